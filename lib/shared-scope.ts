import * as crypto from 'crypto';
import { Construct } from 'constructs';
import { DataOperation, QueryKey } from './contract';
import { DataExternal, Fn, Lazy, NullResource, TerraformStack, Token } from './cdktf';
import { Connection } from './connection-props';
import { RuntimeProgram } from './runtime-program';
import { ScopeRef, scopeKey, scopeSlug } from './runner-scope';

/** Runner names per stack, scope and API URL (see SharedScope.claimName). */
const CLAIMED = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * What the constructs of one stack that target the same scope (through the same connection)
 * share: one downloads call and one registration token per plan, not one per VM (a JIT runner
 * has a source of its own, see RunnerBase).
 * Each data source's query is assembled lazily at synth time from everything that registered.
 */
export class SharedScope extends Construct {
  public static of(scope: Construct, conn: Connection, target: ScopeRef): SharedScope {
    const stack = TerraformStack.of(scope);
    const key = `${conn.apiUrl}|${conn.credentialEnv}|${scopeKey(target)}`;
    const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
    const id = `GitHubRunners-${scopeSlug(target)}-${hash}`;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof SharedScope ? existing : new SharedScope(stack, id, conn, target);
  }

  private readonly runtime: RuntimeProgram;
  private readonly platforms: string[] = [];
  private readonly checksumRequired = new Set<string>();
  private readonly checksumCompute = new Set<string>();
  private readonly tokenRunners = new Map<string, Record<string, string>>();
  private readonly unresolvedNames: string[] = [];
  private readonly downloadHosts: string[] = [];
  private downloadsSource?: DataExternal;
  private registrationSource?: DataExternal;
  private epoch?: NullResource;

  private constructor(
    stack: TerraformStack,
    id: string,
    private readonly conn: Connection,
    private readonly target: ScopeRef,
  ) {
    super(stack, id);
    this.runtime = RuntimeProgram.of(stack);
  }

  /**
   * Records that the runner at construct path `path` is named `name` in this scope, refusing a
   * second runner of the same name (GitHub names are case-insensitive): both would register and
   * delete one runner on GitHub. Scopes are compared by API URL and scope, whatever the credential.
   */
  public claimName(name: string, path: string): void {
    if (Token.isUnresolved(name)) return;
    const stack = TerraformStack.of(this);
    let names = CLAIMED.get(stack);
    if (!names) CLAIMED.set(stack, (names = new Map()));
    const key = `${this.conn.apiUrl}|${scopeKey(this.target)}|${name.toLowerCase()}`;
    const other = names.get(key);
    if (other !== undefined && other !== path) {
      throw new Error(
        `runners ${other} and ${path} are both named "${name}" in ${scopeKey(this.target)}: give each runner of a scope its own name`,
      );
    }
    names.set(key, path);
  }

  /**
   * The downloads data source, now also answering for `platform` (`os/arch[@version]`), with its
   * checksum policy (`required` when no checksum was given in the code, `compute` when the runtime
   * may hash the archive itself; for downloads of one platform: required when any requires it,
   * computed when any opts in) and the extra hosts its archives may come from (one list per scope).
   */
  public downloads(
    platform: string,
    o: { required: boolean; compute: boolean; allowedHosts: string[] } = { required: false, compute: false, allowedHosts: [] },
  ): DataExternal {
    if (!this.platforms.includes(platform)) this.platforms.push(platform);
    if (o.required) this.checksumRequired.add(platform);
    if (o.compute) this.checksumCompute.add(platform);
    for (const h of o.allowedHosts) if (!this.downloadHosts.includes(h)) this.downloadHosts.push(h);
    // The policy and host keys appear only when they list something (existing stacks' queries
    // stay as they were), as the lists are known only at synth.
    this.downloadsSource ??= this.lazySource('Downloads', DataOperation.DOWNLOADS, () => {
      const q: Record<string, string> = { [QueryKey.PLATFORMS]: this.platforms.join(',') };
      if (this.checksumRequired.size > 0) q[QueryKey.CHECKSUM_REQUIRED] = [...this.checksumRequired].join(',');
      if (this.checksumCompute.size > 0) q[QueryKey.CHECKSUM_COMPUTE] = [...this.checksumCompute].join(',');
      if (this.downloadHosts.length > 0) q[QueryKey.DOWNLOAD_HOSTS] = this.downloadHosts.join(',');
      return q;
    });
    return this.downloadsSource;
  }

  /**
   * The registration token data source shared by the scope's runners; `path` (the runner's
   * construct path) and `triggers` (its identity's triggers, as synthesized) join the scope's epoch,
   * whose replacement defers the read to the apply that needs it ("One epoch, not every identity"
   * in docs/decisions.md).
   */
  public registrationToken(path: string, triggers: Record<string, string>): DataExternal {
    if (this.tokenRunners.has(path)) throw new Error(`the runner ${path} asked twice for the registration token of its scope`);
    this.tokenRunners.set(path, triggers);
    if (Token.isUnresolved(triggers.name)) this.unresolvedNames.push(triggers.name);
    this.epoch ??= new NullResource(this, 'Epoch', {
      triggers: Lazy.anyValue({ produce: (context) => this.epochTriggers((x) => context.resolve(x)) }) as unknown as Record<string, string>,
    });
    this.registrationSource ??= this.runtime.dataSource(this, 'RegistrationToken', this.conn, this.target, {
      [QueryKey.OPERATION]: DataOperation.REGISTRATION_TOKEN,
      [QueryKey.GENERATIONS]: this.epoch.id,
      // Names known only at plan time, checked by the runtime before it mints (literals were
      // checked at synth); empty, so absent from the JSON, when every name is a literal.
      [QueryKey.RUNNER_NAMES]: Lazy.stringValue({
        produce: () => (this.unresolvedNames.length > 0 ? Fn.jsonencode(this.unresolvedNames) : undefined),
      }) as string,
    });
    return this.registrationSource;
  }

  /**
   * The epoch's triggers, computed once every runner has registered: a SHA-256 of the runners'
   * paths and synthesized identity triggers (sorted by path), plus each trigger that is a Terraform
   * expression under `<path>:<key>`, so a new value of it replaces the epoch as it replaces the runner.
   */
  private epochTriggers(resolve: (x: unknown) => unknown): Record<string, string> {
    const resolved = [...this.tokenRunners.keys()].sort().map((path) => {
      const triggers = resolve(this.tokenRunners.get(path)) as Record<string, string>;
      return [
        path,
        Object.keys(triggers)
          .sort()
          .map((k) => [k, triggers[k]]),
      ] as const;
    });
    const out: Record<string, string> = {
      runners: crypto.createHash('sha256').update(JSON.stringify(resolved)).digest('hex'),
    };
    for (const [path, entries] of resolved) {
      for (const [key, value] of entries) if (typeof value === 'string' && value.includes('${')) out[`${path}:${key}`] = value;
    }
    return out;
  }

  /** A data source of this scope whose query is its static keys plus `keys()`, computed at synth. */
  private lazySource(id: string, operation: string, keys: () => Record<string, string>): DataExternal {
    const source = this.runtime.dataSource(this, id, this.conn, this.target, { [QueryKey.OPERATION]: operation });
    const base = { ...source.queryInput };
    source.query = Lazy.anyValue({ produce: () => ({ ...base, ...keys() }) }) as unknown as Record<string, string>;
    return source;
  }
}
