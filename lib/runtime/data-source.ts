import {
  CONTRACT_VERSION,
  DataOperation,
  generationName,
  JitField,
  jitKey,
  JitRunnerSpec,
  QueryKey,
  RunnersResult,
  TokenResult,
} from '../contract';
import { runnerNameProblem } from '../shared-checks';
import { listValue } from './args';
import { parseDownloadHosts } from './answers';
import { Api, connect } from './client';
import { looksLikeToken, TOKEN_IN_INPUT_HINT } from './credentials';
import { completeChecksums, downloadsResult, parsePlatforms } from './downloads-result';
import { UserError } from './errors';
import {
  createRegistrationToken,
  createRemoveToken,
  DEFAULT_RUNNER_GROUP_ID,
  deleteRunner,
  findRunnerByName,
  generateJitConfig,
  JitConfig,
  JitRequest,
  listDownloads,
  listRunners,
  resolveRunnerGroup,
  Runner,
  RunnerGroup,
  runnerSummary,
} from './operations';
import { ScopeListing } from './listing-cache';
import { runnerUrl, scopeFrom, scopeLabel } from './github-scope';

/**
 * The `external` data-source protocol: one JSON object of strings on stdin, one on stdout.
 * Terraform shows stderr only on failure, and exit code 1 makes it fail the plan.
 */
export async function runDataSource(stdin: NodeJS.ReadableStream, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const query = parseQuery(await readAll(stdin));
  return answerQuery(query, env);
}

export type Query = Record<string, string>;

const OPERATIONS: string[] = Object.values(DataOperation);

export function parseQuery(text: string): Query {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(
      "the data-source query on stdin is not JSON: this program is run by Terraform's external data source, which writes a JSON object of strings",
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError('the data-source query on stdin must be a JSON object of strings');
  }
  const query: Query = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new UserError(`query key "${k}" must be a string, got ${v === null ? 'null' : typeof v}`);
    if (looksLikeToken(v)) throw new UserError(`query key "${k}" holds what looks like a GitHub token: ${TOKEN_IN_INPUT_HINT}`);
    query[k] = v;
  }
  return query;
}

export async function answerQuery(query: Query, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const operation = (query[QueryKey.OPERATION] ?? '').trim();
  if (operation === '') throw new UserError(`query has no "${QueryKey.OPERATION}": expected one of ${OPERATIONS.join(', ')}`);
  if (!OPERATIONS.includes(operation)) throw new UserError(`unknown operation "${operation}": expected one of ${OPERATIONS.join(', ')}`);
  checkContractVersion(query[QueryKey.CONTRACT_VERSION]);
  const scope = scopeFrom(
    {
      enterprise: query[QueryKey.ENTERPRISE],
      org: query[QueryKey.ORG],
      owner: query[QueryKey.OWNER],
      repository: query[QueryKey.REPOSITORY],
    },
    'query',
  );
  const api = await connect({ scope, apiUrl: query[QueryKey.API_URL], credentialEnv: query[QueryKey.CREDENTIAL_ENV], env });
  switch (operation) {
    case DataOperation.REGISTRATION_TOKEN:
    case DataOperation.REMOVE_TOKEN: {
      checkRunnerNames(query[QueryKey.RUNNER_NAMES]);
      const t = operation === DataOperation.REGISTRATION_TOKEN ? await createRegistrationToken(api) : await createRemoveToken(api);
      return {
        [TokenResult.TOKEN]: t.token,
        [TokenResult.EXPIRES_AT]: t.expires_at,
        [TokenResult.RUNNER_URL]: runnerUrl(scope, api.connection),
      };
    }
    case DataOperation.DOWNLOADS: {
      const requested = parsePlatforms(query[QueryKey.PLATFORMS] ?? '');
      const result = downloadsResult(
        await listDownloads(api),
        requested,
        scopeLabel(scope),
        api.connection,
        parseDownloadHosts(query[QueryKey.DOWNLOAD_HOSTS]),
      );
      await completeChecksums(
        result,
        requested,
        {
          required: listValue(query[QueryKey.CHECKSUM_REQUIRED]),
          compute: listValue(query[QueryKey.CHECKSUM_COMPUTE]),
        },
        scopeLabel(scope),
        { env, idleTimeout: Math.max(api.settings.requestTimeout, 30) },
      );
      return result;
    }
    case DataOperation.RUNNERS:
      return runnersResult(api, query);
    default:
      return jitConfigs(api, query, new ScopeListing(api, env));
  }
}

/** The names a registration token is read for that were Terraform references at synth (JSON list). */
function checkRunnerNames(text: string | undefined): void {
  if (text === undefined || text.trim() === '') return;
  let names: unknown;
  try {
    names = JSON.parse(text);
  } catch {
    throw new UserError(`query key "${QueryKey.RUNNER_NAMES}" is not a JSON list of names`);
  }
  if (!Array.isArray(names)) throw new UserError(`query key "${QueryKey.RUNNER_NAMES}" is not a JSON list of names`);
  for (const name of names) {
    const problem =
      typeof name === 'string' ? runnerNameProblem(name, false) : `a runner name must be a string, got ${JSON.stringify(name)}`;
    if (problem) throw new UserError(problem);
  }
}

function checkContractVersion(v: string | undefined): void {
  const text = (v ?? '').trim();
  if (text === '') return;
  if (!/^\d+$/.test(text)) throw new UserError(`contract_version "${text}" is not a number`);
  if (Number(text) > Number(CONTRACT_VERSION)) {
    throw new UserError(
      `the query uses contract version ${text} but this runtime.js speaks version ${CONTRACT_VERSION}: ` +
        'the runtime in cdktf.out is older than the constructs that wrote the query; run cdktf synth again with the same cdktf-github-runners version',
    );
  }
}

async function runnersResult(api: Api, query: Query): Promise<Record<string, string>> {
  const name = (query[QueryKey.NAME] ?? '').trim();
  const problem = name === '' ? undefined : runnerNameProblem(name, false);
  if (problem) throw new UserError(`query key "${QueryKey.NAME}": ${problem}`);
  const labels = listValue(query[QueryKey.LABELS]);
  // A name matches at most one runner: the lookup stops at it, even on a server that ignores `name`.
  let runners = name === '' ? await listRunners(api) : [await findRunnerByName(api, name)].filter((r): r is Runner => r !== undefined);
  if (labels.length > 0) {
    const want = labels.map((l) => l.toLowerCase());
    runners = runners.filter((r) => {
      const have = new Set((r.labels ?? []).map((l) => l.name.toLowerCase()));
      return want.every((l) => have.has(l));
    });
  }
  runners.sort((a, b) => a.id - b.id);
  return {
    [RunnersResult.COUNT]: String(runners.length),
    [RunnersResult.IDS]: runners.map((r) => r.id).join(','),
    [RunnersResult.NAMES]: runners.map((r) => r.name).join(','),
    [RunnersResult.RUNNERS_JSON]: JSON.stringify(runners.map(runnerSummary)),
  };
}

function parseSpec(key: string, text: string): JitRunnerSpec {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    throw new UserError(`query entry "${QueryKey.RUNNER_PREFIX}${key}" is not JSON`);
  }
  const s = spec as Partial<JitRunnerSpec>;
  const where = `query entry "${QueryKey.RUNNER_PREFIX}${key}"`;
  if (!s || typeof s !== 'object') throw new UserError(`${where} must be a JSON object`);
  if (typeof s.name !== 'string' || s.name.trim() === '') throw new UserError(`${where} has no runner name`);
  const problem = runnerNameProblem(s.name, true);
  if (problem) throw new UserError(`${where}: ${problem}`);
  if (typeof s.generation !== 'string' || s.generation === '') throw new UserError(`${where} has no generation`);
  if (
    !Array.isArray(s.labels) ||
    s.labels.length === 0 ||
    s.labels.length > 100 ||
    !s.labels.every((l) => typeof l === 'string' && l !== '')
  ) {
    throw new UserError(`${where}: labels must be 1 to 100 non-empty strings (GitHub requires at least one for a JIT runner)`);
  }
  if (s.runner_group !== undefined && typeof s.runner_group !== 'string') throw new UserError(`${where}: runner_group must be a string`);
  if (s.work_folder !== undefined && typeof s.work_folder !== 'string') throw new UserError(`${where}: work_folder must be a string`);
  return s as JitRunnerSpec;
}

/**
 * Mints a JIT configuration for each runner that does not exist yet. The scope's runners come
 * from one listing shared by the reads of a plan or apply (each JIT runner has its own source, so
 * its own process); a runner that already exists (a re-plan, or the config was already used) gets
 * status `existing` and no config, so re-reading never mints twice. A listing up to a minute old
 * may miss a runner minted meanwhile: GitHub then refuses the mint (409, the generation name is
 * taken) and the runner found under that name is answered as `existing`.
 *
 * All or nothing: a configuration reaches Terraform only through this program's answer, so when
 * a mint fails, the runners this read minted (the failing one included, if GitHub acted before
 * its answer was lost) are deleted again before the error is reported. Otherwise the next read
 * would find them `existing`, and their VMs would get no configuration. Everything that can be
 * checked is checked before the first mint.
 */
async function jitConfigs(api: Api, query: Query, listing: ScopeListing): Promise<Record<string, string>> {
  const specs: [string, JitRunnerSpec][] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k.startsWith(QueryKey.RUNNER_PREFIX)) {
      const key = k.slice(QueryKey.RUNNER_PREFIX.length);
      if (key === '') throw new UserError(`query entry "${k}" has an empty key`);
      specs.push([key, parseSpec(key, v)]);
    }
  }
  specs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const result: Record<string, string> = {};
  if (specs.length === 0) return result;
  const names = new Map(specs.map(([key, spec]) => [key, generationName(spec.name, spec.generation)]));
  const seen = new Set<string>();
  for (const name of names.values()) {
    if (seen.has(name)) throw new UserError(`two runner entries resolve to the same runner name "${name}": give each runner its own name`);
    seen.add(name);
  }
  // From a walk that still sees every runner while others are deleted (listRunnersStable).
  const existing = new Map((await listing.snapshot()).map((r) => [r.name.toLowerCase(), r]));
  const groups = new Map<string, RunnerGroup[]>();
  const toMint: [string, JitRequest][] = [];
  for (const [key, spec] of specs) {
    const name = names.get(key)!;
    const found = existing.get(name.toLowerCase());
    if (found) {
      put(result, key, '', found.id, name, 'existing');
      continue;
    }
    const groupId =
      api.scope.kind === 'repo' && (spec.runner_group ?? '') === ''
        ? DEFAULT_RUNNER_GROUP_ID
        : await resolveRunnerGroup(api, spec.runner_group, groups);
    toMint.push([key, { name, runner_group_id: groupId, labels: spec.labels, work_folder: spec.work_folder }]);
  }
  const minted: { id: number; name: string }[] = [];
  let current: string | undefined;
  try {
    for (const [key, body] of toMint) {
      current = body.name;
      const jit = await mintOnce(api, body);
      current = undefined;
      if ('existing' in jit) {
        put(result, key, '', jit.existing.id, body.name, 'existing');
        continue;
      }
      minted.push({ id: jit.runner.id, name: body.name });
      listing.noteCreated({ id: jit.runner.id, name: body.name });
      put(result, key, jit.encoded_jit_config, jit.runner.id, body.name, 'minted');
    }
  } catch (err) {
    throw await rollBack(api, minted, current, err);
  }
  return result;
}

/**
 * One JIT mint. A 409 on a first attempt means the generation name exists already, minted after
 * the listing this read used was walked: that runner is the answer (`existing`), as a fresh
 * listing would have said. A 409 on a retried mint means its first attempt was lost after GitHub
 * acted (a timeout or reset): the name is unique to this resource's generation and Terraform holds
 * the state lock. That runner's configuration never reached Terraform, so it is deleted and minted
 * again, once.
 */
async function mintOnce(api: Api, body: JitRequest): Promise<JitConfig | { existing: Runner }> {
  try {
    return await generateJitConfig(api, body);
  } catch (err) {
    if (!(err instanceof UserError) || err.status !== 409) throw err;
    if ((err.attempts ?? 1) < 2) {
      const there = await findRunnerByName(api, body.name);
      if (there) return { existing: there };
      throw err;
    }
    const orphan = await findRunnerByName(api, body.name);
    if (orphan && (orphan.busy || orphan.status === 'online')) throw err;
    if (orphan) await deleteIfThere(api, orphan.id);
    return generateJitConfig(api, body);
  }
}

/** Deletes a runner; one already gone counts as deleted. */
async function deleteIfThere(api: Api, id: number): Promise<void> {
  try {
    await deleteRunner(api, id);
  } catch (err) {
    if (!(err instanceof UserError) || err.status !== 404) throw err;
  }
}

/**
 * Deletes what a failed read minted, then gives the error to report: the original one, with what
 * was undone or what is left to delete by hand. `pending` is the runner whose mint failed: GitHub
 * may have registered it before the answer was lost.
 */
async function rollBack(api: Api, minted: { id: number; name: string }[], pending: string | undefined, cause: unknown): Promise<unknown> {
  const undo = [...minted];
  const left: string[] = [];
  if (pending !== undefined) {
    try {
      const r = await findRunnerByName(api, pending);
      if (r && !r.busy && r.status !== 'online') undo.push({ id: r.id, name: pending });
    } catch {
      left.push(`${pending} (if it was registered)`);
    }
  }
  if (undo.length === 0 && left.length === 0) return cause;
  for (const r of undo) {
    try {
      await deleteIfThere(api, r.id);
    } catch {
      left.push(r.name);
    }
  }
  if (!(cause instanceof UserError)) return cause;
  const done = undo.length - undo.filter((r) => left.includes(r.name)).length;
  const note =
    left.length === 0
      ? `the ${done} JIT runner(s) minted in this run were deleted again; the next apply mints them afresh`
      : `JIT runner(s) ${left.join(', ')} could not be deleted again: delete them on GitHub before the next apply, or their VMs get no configuration`;
  return new UserError(`${cause.message} (${note})`, cause.status, cause.attempts);
}

function put(result: Record<string, string>, key: string, config: string, id: number, name: string, status: string): void {
  result[jitKey(key, JitField.JIT_CONFIG)] = config;
  result[jitKey(key, JitField.RUNNER_ID)] = String(id);
  result[jitKey(key, JitField.RUNNER_NAME)] = name;
  result[jitKey(key, JitField.STATUS)] = status;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
