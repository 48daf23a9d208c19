import { authorize, requirementFor } from '../auth';
import { EmulatorCore } from '../core';
import { Ctx } from '../request-context';
import { parseScopeRef, ScopeKind, scopeKeyFromApiPath } from '../scope-routes';
import { ScopeState } from '../state';
import { createInstallationToken, rateLimitStatus } from './app';
import { authenticate } from './authenticate';
import { listDownloads } from './downloads';
import { listGroups } from './groups';
import { addLabels, getLabels, removeAllLabels, removeLabel, setLabels } from './labels';
import { deleteRunner, getRunner, listRunners } from './runners';
import { createRunnerToken, generateJitConfig } from './tokens';

type Handler = (core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray) => void | Promise<void>;

interface ScopedRoute {
  method: string;
  /** Matched against the path after the scope prefix (`/orgs/{org}`...). */
  pattern: RegExp;
  handler: Handler;
  /** Runner groups exist for organizations and enterprises only. */
  groupsOnly?: boolean;
}

/** Every runner route, once, for all three scope prefixes. */
const SCOPED: ScopedRoute[] = [
  { method: 'GET', pattern: /^\/actions\/runners\/?$/, handler: listRunners },
  { method: 'GET', pattern: /^\/actions\/runners\/downloads\/?$/, handler: listDownloads },
  { method: 'POST', pattern: /^\/actions\/runners\/registration-token\/?$/, handler: createRunnerToken('registration') },
  { method: 'POST', pattern: /^\/actions\/runners\/remove-token\/?$/, handler: createRunnerToken('remove') },
  { method: 'POST', pattern: /^\/actions\/runners\/generate-jitconfig\/?$/, handler: generateJitConfig },
  { method: 'GET', pattern: /^\/actions\/runners\/(\d+)\/?$/, handler: getRunner },
  { method: 'DELETE', pattern: /^\/actions\/runners\/(\d+)\/?$/, handler: deleteRunner },
  { method: 'GET', pattern: /^\/actions\/runners\/(\d+)\/labels\/?$/, handler: getLabels },
  { method: 'POST', pattern: /^\/actions\/runners\/(\d+)\/labels\/?$/, handler: addLabels },
  { method: 'PUT', pattern: /^\/actions\/runners\/(\d+)\/labels\/?$/, handler: setLabels },
  { method: 'DELETE', pattern: /^\/actions\/runners\/(\d+)\/labels\/?$/, handler: removeAllLabels },
  { method: 'DELETE', pattern: /^\/actions\/runners\/(\d+)\/labels\/([^/]+)$/, handler: removeLabel },
  { method: 'GET', pattern: /^\/actions\/runner-groups\/?$/, handler: listGroups, groupsOnly: true },
];

/** The REST API, identical at the root and under GHES's `/api/v3`. */
export async function api(core: EmulatorCore, ctx: Ctx): Promise<void> {
  const { path, method } = ctx;
  const app = /^\/app\/installations\/([^/]+)\/access_tokens\/?$/.exec(path);
  if (app && method === 'POST') return createInstallationToken(core, ctx, app[1]);
  if (path === '/rate_limit' && method === 'GET') return rateLimitStatus(core, ctx);

  const scoped = scopeKeyFromApiPath(path);
  const route = scoped && SCOPED.find((r) => r.method === method && r.pattern.test(scoped.rest));
  if (!scoped || !route) {
    if (authenticate(core, ctx)) ctx.notFound();
    return;
  }
  const kind = scoped.key.slice(0, scoped.key.indexOf(':')) as ScopeKind;
  const publicRepo = core.ghesLegacy && core.publicRepos.has(scoped.key);
  const requirement = requirementFor(kind, method, publicRepo);
  ctx.acceptedScopes = requirement.oauthScopes.join(', ');
  if (!authenticate(core, ctx)) return;
  const scope = core.store.scope(scoped.key) ?? createOnFirstUse(core, scoped.ref);
  if (!scope || (route.groupsOnly && !scope.ref.hasGroups)) return ctx.notFound();
  const denial = authorize(ctx.credential!, kind, requirement);
  if (denial) {
    if (denial.acceptedPermissions) ctx.extra['x-accepted-github-permissions'] = denial.acceptedPermissions;
    return ctx.error(403, denial.message);
  }
  await route.handler(core, ctx, scope, route.pattern.exec(scoped.rest)!);
}

/** A name never seen before becomes a scope (test-double mode); an enterprise id never does. */
function createOnFirstUse(core: EmulatorCore, ref: string): ScopeState | undefined {
  if (!core.createScopes || /^enterprise:\d+$/.test(ref)) return undefined;
  try {
    return core.store.addScope(parseScopeRef(ref));
  } catch {
    return undefined;
  }
}
