import { EmulatorCore } from '../core';
import { Ctx, HttpError } from '../request-context';
import { runnerJson, ScopeState } from '../state';
import { invalid, requireLabels, requireObject } from './validate';

/** POST registration-token / remove-token: 201 with a token that expires in an hour. */
export function createRunnerToken(kind: 'registration' | 'remove') {
  return (core: EmulatorCore, ctx: Ctx, scope: ScopeState): void => {
    const { token, expiresAt } = core.issueRunnerToken(kind, scope);
    ctx.send(201, { token, expires_at: new Date(expiresAt).toISOString() });
  };
}

interface JitRequest {
  name: string;
  groupId: number;
  labels: string[];
  workFolder: string;
}

function jitRequest(body: unknown): JitRequest {
  const b = requireObject(body);
  if (b.name === undefined) throw invalid('"name" wasn\'t supplied.');
  if (typeof b.name !== 'string' || b.name.trim() === '') throw invalid('"name" must be a non-empty string.');
  if (b.runner_group_id === undefined) throw invalid('"runner_group_id" wasn\'t supplied.');
  if (typeof b.runner_group_id !== 'number' || !Number.isInteger(b.runner_group_id)) throw invalid('"runner_group_id" must be an integer.');
  const labels = requireLabels(b, 1);
  if (b.work_folder !== undefined && typeof b.work_folder !== 'string') throw invalid('"work_folder" must be a string.');
  return { name: b.name, groupId: b.runner_group_id, labels, workFolder: (b.work_folder as string | undefined) || '_work' };
}

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64');
}

/**
 * POST generate-jitconfig: creates the runner record at once (offline, ephemeral) and answers
 * with a config shaped like GitHub's (base64 JSON of base64 `.runner` / `.credentials` files).
 */
export async function generateJitConfig(core: EmulatorCore, ctx: Ctx, scope: ScopeState): Promise<void> {
  const req = jitRequest(await ctx.json());
  const group = scope.group(req.groupId);
  if (!group) throw new HttpError(404, `Runner group ${req.groupId} not found`);
  if (scope.byRunnerName(req.name)) {
    ctx.error(409, `Already exists - A runner with the name ${req.name} already exists.`);
    return;
  }
  const r = core.store.createRunner(scope, {
    name: req.name,
    os: 'unknown',
    arch: 'unknown',
    customLabels: req.labels,
    defaultLabels: false,
    status: 'offline',
    busy: false,
    ephemeral: true,
    jit: true,
    groupId: group.id,
    workFolder: req.workFolder,
  });
  core.recordIssued('jit', scope.ref.ref);
  const serverUrl = `${ctx.origin}/_emulator/runner`;
  const files = {
    '.runner': b64({
      agentId: r.id,
      agentName: r.name,
      poolId: group.id,
      poolName: group.name,
      serverUrl,
      gitHubUrl: `${ctx.origin}${scope.ref.webPath}`,
      workFolder: r.workFolder,
      ephemeral: true,
      disableUpdate: false,
    }),
    '.credentials': b64({
      scheme: 'OAuth',
      data: {
        clientId: r.clientId,
        authorizationUrl: `${serverUrl}/oauth2/token`,
        requireFipsCryptography: 'False',
        clientSecret: r.secret,
      },
    }),
    '.credentials_rsaparams': b64({ note: 'emulator stub: no key material' }),
  };
  ctx.send(201, { runner: runnerJson(r, core.ghesLegacy), encoded_jit_config: b64(files) });
}
