/**
 * The one scope abstraction: enterprise, organization and repository runners share every route,
 * differing only in the path prefix, the credentials they accept and whether runner groups exist.
 */

export type ScopeKind = 'enterprise' | 'org' | 'repo';

export interface EmulatedScope {
  readonly kind: ScopeKind;
  /** Canonical ref, e.g. `org:octo-org`, `repo:octo-org/octo-repo`, `enterprise:octo-enterprise`. */
  readonly ref: string;
  /** Lower-cased ref: GitHub's names are case-insensitive. */
  readonly key: string;
  /** `octo-enterprise`, `octo-org` or `octo-org/octo-repo`. */
  readonly name: string;
  /** REST prefix, e.g. `/orgs/octo-org`. */
  readonly apiPrefix: string;
  /** OpenAPI template of the prefix, e.g. `/orgs/{org}`. */
  readonly template: string;
  /** Path of the URL that `config.sh --url` takes, e.g. `/octo-org`. */
  readonly webPath: string;
  /** Whether runner groups exist here (organizations and enterprises). */
  readonly hasGroups: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function makeScope(kind: ScopeKind, name: string): EmulatedScope {
  const parts = name.split('/');
  const valid = kind === 'repo' ? parts.length === 2 && parts.every((p) => NAME.test(p)) : parts.length === 1 && NAME.test(name);
  if (!valid) {
    throw new Error(
      `Invalid ${kind} name '${name}': use ${kind === 'repo' ? 'OWNER/NAME' : 'a slug'} of letters, digits, '.', '_' and '-'`,
    );
  }
  const ref = `${kind}:${name}`;
  const common = { kind, ref, key: ref.toLowerCase(), name };
  switch (kind) {
    case 'enterprise':
      return {
        ...common,
        apiPrefix: `/enterprises/${name}`,
        template: '/enterprises/{enterprise}',
        webPath: `/enterprises/${name}`,
        hasGroups: true,
      };
    case 'org':
      return { ...common, apiPrefix: `/orgs/${name}`, template: '/orgs/{org}', webPath: `/${name}`, hasGroups: true };
    case 'repo':
      return { ...common, apiPrefix: `/repos/${name}`, template: '/repos/{owner}/{repo}', webPath: `/${name}`, hasGroups: false };
  }
}

/** Parses a scope ref: `enterprise:SLUG`, `org:NAME` or `repo:OWNER/NAME`. */
export function parseScopeRef(ref: string): EmulatedScope {
  const m = /^(enterprise|org|repo):(.+)$/.exec(ref.trim());
  if (!m) {
    throw new Error(`Invalid scope ref '${ref}': use 'enterprise:SLUG', 'org:NAME' or 'repo:OWNER/NAME'`);
  }
  return makeScope(m[1] as ScopeKind, m[2]);
}

/**
 * The lookup key of the scope named in an API path (`/orgs/X/...`), the ref as written (for a
 * scope created on first use) and the remaining path.
 */
export function scopeKeyFromApiPath(path: string): { key: string; ref: string; rest: string } | undefined {
  const segs = path.split('/');
  // segs[0] is '' because paths start with '/'.
  const at = (ref: string, used: number) => ({ key: ref.toLowerCase(), ref, rest: '/' + segs.slice(used).join('/') });
  if (segs[1] === 'enterprises' && segs[2]) return at(`enterprise:${dec(segs[2])}`, 3);
  if (segs[1] === 'orgs' && segs[2]) return at(`org:${dec(segs[2])}`, 3);
  if (segs[1] === 'repos' && segs[2] && segs[3]) return at(`repo:${dec(segs[2])}/${dec(segs[3])}`, 4);
  return undefined;
}

/**
 * The scope key a runner URL names (`config.sh --url`): `https://HOST/enterprises/E`,
 * `https://HOST/ORG` or `https://HOST/OWNER/REPO`; a trailing slash is tolerated.
 */
export function scopeKeyFromRunnerUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segs = path
    .split('/')
    .filter((s) => s.length > 0)
    .map(dec);
  if (segs.length === 2 && segs[0] === 'enterprises') return `enterprise:${segs[1]}`.toLowerCase();
  if (segs.length === 1) return `org:${segs[0]}`.toLowerCase();
  if (segs.length === 2) return `repo:${segs[0]}/${segs[1]}`.toLowerCase();
  return undefined;
}

function dec(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
