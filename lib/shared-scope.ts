import * as crypto from 'crypto';
import { Construct } from 'constructs';
import { DataOperation, QueryKey } from './contract';
import { DataExternal, Fn, Lazy, TerraformStack } from './cdktf';
import { Connection } from './connection';
import { RuntimeProgram } from './runtime-program';
import { ScopeRef, scopeKey, scopeSlug } from './scope';

/**
 * What the constructs of one stack that target the same scope (through the same connection)
 * share: one downloads call, one registration token and one JIT call per plan, not one per VM.
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
  private readonly generations: string[] = [];
  private readonly jitRunners = new Map<string, string>();
  private downloadsSource?: DataExternal;
  private registrationSource?: DataExternal;
  private jitSource?: DataExternal;

  private constructor(stack: TerraformStack, id: string, private readonly conn: Connection, private readonly target: ScopeRef) {
    super(stack, id);
    this.runtime = RuntimeProgram.of(stack);
  }

  /** The downloads data source, now also answering for `platform` (`os/arch[@version]`). */
  public downloads(platform: string): DataExternal {
    if (!this.platforms.includes(platform)) this.platforms.push(platform);
    this.downloadsSource ??= this.runtime.dataSource(this, 'Downloads', this.conn, this.target, {
      [QueryKey.OPERATION]: DataOperation.DOWNLOADS,
      [QueryKey.PLATFORMS]: Lazy.stringValue({ produce: () => this.platforms.join(',') }),
    });
    return this.downloadsSource;
  }

  /**
   * The registration token data source shared by the scope's runners. `generation` (the id of a
   * runner's identity resource) is unknown while that runner is being created, which defers the
   * read, and so the mint, to the apply that creates it.
   */
  public registrationToken(generation: string): DataExternal {
    this.generations.push(generation);
    this.registrationSource ??= this.runtime.dataSource(this, 'RegistrationToken', this.conn, this.target, {
      [QueryKey.OPERATION]: DataOperation.REGISTRATION_TOKEN,
      [QueryKey.GENERATIONS]: Lazy.stringValue({ produce: () => Fn.join(',', this.generations) }),
    });
    return this.registrationSource;
  }

  /** The JIT data source, now also minting for the runner `key` described by `spec`. */
  public jitConfig(key: string, spec: Record<string, unknown>): DataExternal {
    if (this.jitRunners.has(key)) throw new Error(`two jit runners share the key "${key}" in one scope: give them different construct ids`);
    this.jitRunners.set(key, Fn.jsonencode(spec));
    if (this.jitSource === undefined) {
      const source = this.runtime.dataSource(this, 'JitConfigs', this.conn, this.target, {
        [QueryKey.OPERATION]: DataOperation.JIT_CONFIGS,
      });
      // Static keys plus one entry per runner, known only once every runner has registered.
      const base = { ...source.queryInput };
      source.query = Lazy.anyValue({
        produce: () => {
          const q: Record<string, string> = { ...base };
          for (const [k, v] of this.jitRunners) q[`${QueryKey.RUNNER_PREFIX}${k}`] = v;
          return q;
        },
      }) as unknown as Record<string, string>;
      this.jitSource = source;
    }
    return this.jitSource;
  }
}
