import { presented } from '../auth';
import { EmulatorCore } from '../core';
import { Ctx } from '../request-context';
import { hexSecret } from '../ids';
import { isArch, runnerOs } from '../labels-model';
import { scopeKeyFromRunnerUrl } from '../scope-routes';
import { DEFAULT_GROUP_ID, RunnerRecord } from '../state';

/**
 * The runner-facing endpoints the stub config.sh/run.sh/svc.sh call, in place of GitHub's
 * runner registration and broker services. Answers are `key=value` lines (no jq in the stubs);
 * errors are one line saying what is wrong, and never echo a token.
 */
export async function runnerAgent(core: EmulatorCore, ctx: Ctx): Promise<void> {
  const path = ctx.rawPath;
  if (path === '/_emulator/runner/register' && ctx.method === 'POST') return register(core, ctx);
  if (path === '/_emulator/runner/remove' && ctx.method === 'POST') return remove(core, ctx);
  const m = /^\/_emulator\/runner\/(\d+)\/(online|offline|status)$/.exec(path);
  if (m && (m[2] === 'status' ? ctx.method === 'GET' : ctx.method === 'POST')) return connection(core, ctx, Number(m[1]), m[2]);
  ctx.text(404, 'Not Found');
}

function kv(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
}

async function jsonObject(ctx: Ctx): Promise<Record<string, unknown> | undefined> {
  let body: unknown;
  try {
    body = await ctx.json();
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    ctx.text(400, 'The request body must be a JSON object');
    return undefined;
  }
  return body as Record<string, unknown>;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

async function register(core: EmulatorCore, ctx: Ctx): Promise<void> {
  const p = presented(ctx.req.headers.authorization);
  if (p.type !== 'runner') return ctx.text(401, 'Registration needs the header Authorization: RemoteAuth <registration token>');
  const b = await jsonObject(ctx);
  if (!b) return;
  const key = scopeKeyFromRunnerUrl(str(b.url));
  const scope = key ? core.store.scope(key) : undefined;
  if (!scope) return ctx.text(404, `Not Found: --url ${str(b.url)} names no enterprise, organization or repository of this emulator`);
  // The REST API takes an enterprise's id in place of its slug; the runner's --url does not.
  if (scope.ref.kind === 'enterprise' && key !== scope.ref.key) {
    return ctx.text(
      404,
      `Not Found: --url ${str(b.url)} gives the enterprise by id; config.sh needs its slug URL (${ctx.origin}${scope.ref.webPath})`,
    );
  }
  const token = core.runnerTokenRecord(p.value, 'registration');
  if (!token || token.scope !== scope) {
    return ctx.text(404, 'Not Found: the registration token is unknown, expired or belongs to another scope; create a new one');
  }
  const name = str(b.name).trim();
  if (!name) return ctx.text(400, 'A runner name is required (--name)');
  const os = runnerOs(str(b.os)) ?? 'linux';
  const arch = isArch(str(b.arch)) ? str(b.arch) : 'x64';
  const custom = str(b.labels)
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const defaults = b.no_default_labels !== true;
  if (!defaults && custom.length === 0) return ctx.text(400, '--no-default-labels needs at least one label in --labels');
  let groupId = DEFAULT_GROUP_ID;
  const groupName = str(b.runner_group).trim();
  if (groupName && scope.ref.hasGroups) {
    const g = scope.groupByName(groupName);
    if (!g) return ctx.text(404, `Could not find any self-hosted runner group named "${groupName}".`);
    groupId = g.id;
  }
  const workFolder = str(b.work_folder) || '_work';
  const ephemeral = b.ephemeral === true;
  let r: RunnerRecord;
  const existing = scope.byRunnerName(name);
  if (existing) {
    if (b.replace !== true) return ctx.text(409, `A runner exists with the same name ${name}; pass --replace to replace it.`);
    // --replace re-registers under the same id, as the runner service does.
    r = existing;
    Object.assign(r, {
      os,
      arch,
      labels: core.store.buildLabels(os, arch, defaults, custom, false),
      status: 'offline',
      busy: false,
      ephemeral,
      jit: false,
      groupId,
      version: null,
      secret: hexSecret(),
      workFolder,
    });
  } else {
    r = core.store.createRunner(scope, {
      name,
      os,
      arch,
      customLabels: custom,
      defaultLabels: defaults,
      status: 'offline',
      busy: false,
      ephemeral,
      jit: false,
      groupId,
      workFolder,
    });
  }
  const group = scope.group(groupId);
  ctx.text(
    200,
    kv({
      runner_id: r.id,
      runner_name: r.name,
      runner_secret: r.secret,
      client_id: r.clientId,
      pool_id: groupId,
      pool_name: group?.name ?? 'Default',
      server_url: `${ctx.origin}/_emulator/runner`,
    }),
  );
}

async function remove(core: EmulatorCore, ctx: Ctx): Promise<void> {
  const p = presented(ctx.req.headers.authorization);
  if (p.type !== 'runner') return ctx.text(401, 'Removal needs the header Authorization: RemoteAuth <remove token>');
  const b = await jsonObject(ctx);
  if (!b) return;
  const r = core.store.runnersById.get(Number(b.runner_id));
  if (!r) return ctx.text(404, `Not Found: runner ${String(b.runner_id)} does not exist (already removed?)`);
  const token = core.runnerTokenRecord(p.value, 'remove');
  if (!token || token.scope !== r.scope) {
    return ctx.text(404, 'Not Found: the remove token is unknown, expired or belongs to another scope; create a new one');
  }
  core.store.deleteRunner(r);
  ctx.text(200, kv({ removed: r.id }));
}

async function connection(core: EmulatorCore, ctx: Ctx, id: number, action: string): Promise<void> {
  const p = presented(ctx.req.headers.authorization);
  const r = core.store.runnersById.get(id);
  if (!r) return ctx.text(404, `Not Found: runner ${id} was removed from GitHub; configure it again`);
  if (p.type !== 'token' || p.value !== r.secret) return ctx.text(401, 'Bad runner credentials: configure the runner again');
  if (action === 'status') return ctx.text(200, kv({ status: r.status, busy: String(r.busy) }));
  const b = ctx.method === 'POST' ? await ctx.json().catch(() => undefined) : undefined;
  const info = (b && typeof b === 'object' ? b : {}) as Record<string, unknown>;
  if (action === 'online') {
    r.status = 'online';
    // A JIT runner learns its platform when it first connects.
    if (r.os === 'unknown') r.os = runnerOs(str(info.os)) ?? 'unknown';
    if (r.arch === 'unknown' && isArch(str(info.arch))) r.arch = str(info.arch);
    r.version = str(info.version) || core.runnerVersion;
  } else {
    r.status = 'offline';
  }
  ctx.text(200, kv({ status: r.status }));
}
