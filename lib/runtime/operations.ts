import { Api, MAX_PAGES, renderPath } from './client';
import { bad, checkExpiresAt, checkJitConfig, checkRunnerId, checkRunnerToken } from './answers';
import { UserError } from './errors';
import { redactor } from './redact';
import { hasRunnerGroups, Scope, scopeLabel, scopeParams, scopePrefix } from './github-scope';

/**
 * The runner operations, once, for all three scopes: the route suffix is shared and the scope
 * supplies the prefix (`/enterprises/{enterprise}`, `/orgs/{org}`, `/repos/{owner}/{repo}`).
 */
export const OPERATIONS = {
  listRunners: 'GET /actions/runners',
  getRunner: 'GET /actions/runners/{runner_id}',
  deleteRunner: 'DELETE /actions/runners/{runner_id}',
  listDownloads: 'GET /actions/runners/downloads',
  createRegistrationToken: 'POST /actions/runners/registration-token',
  createRemoveToken: 'POST /actions/runners/remove-token',
  generateJitConfig: 'POST /actions/runners/generate-jitconfig',
  listLabels: 'GET /actions/runners/{runner_id}/labels',
  addLabels: 'POST /actions/runners/{runner_id}/labels',
  setLabels: 'PUT /actions/runners/{runner_id}/labels',
  removeLabel: 'DELETE /actions/runners/{runner_id}/labels/{name}',
  removeAllLabels: 'DELETE /actions/runners/{runner_id}/labels',
  /** organization and enterprise scope only */
  listRunnerGroups: 'GET /actions/runner-groups',
} as const;

export type OperationName = keyof typeof OPERATIONS;

/** `GET /orgs/{org}/actions/runners` */
export function route(scope: Scope, op: OperationName): string {
  const [method, suffix] = OPERATIONS[op].split(' ');
  return `${method} ${scopePrefix(scope)}${suffix}`;
}

export interface RunnerLabel {
  readonly id?: number;
  readonly name: string;
  readonly type?: string;
}

export interface Runner {
  readonly id: number;
  readonly name: string;
  readonly os: string;
  readonly status: string;
  readonly busy: boolean;
  readonly labels: RunnerLabel[];
  readonly runner_group_id?: number;
}

export interface Download {
  readonly os: string;
  readonly architecture: string;
  readonly download_url: string;
  readonly filename: string;
  readonly temp_download_token?: string;
  readonly sha256_checksum?: string;
}

export interface AuthToken {
  readonly token: string;
  readonly expires_at: string;
}

export interface JitConfig {
  readonly runner: Runner;
  readonly encoded_jit_config: string;
}

export interface JitRequest {
  readonly name: string;
  readonly runner_group_id: number;
  readonly labels: string[];
  readonly work_folder?: string;
}

export interface RunnerGroup {
  readonly id: number;
  readonly name: string;
  readonly default?: boolean;
}

export interface LabelList {
  readonly total_count: number;
  readonly labels: RunnerLabel[];
}

/** The default runner group of every organization and enterprise. */
export const DEFAULT_RUNNER_GROUP_ID = 1;

const runnerSubject = (id: number) => ({ runner: String(id) });

/** All runners of the scope (every page), optionally filtered by exact name on the server. */
export async function listRunners(api: Api, filter: { name?: string } = {}): Promise<Runner[]> {
  const params: Record<string, unknown> = {};
  if (filter.name !== undefined && filter.name !== '') params.name = filter.name;
  const runners = await api.paginate<Runner>(route(api.scope, 'listRunners'), 'runners', params);
  for (const r of runners) checkRunner(api, r);
  return runners;
}

/** A runner object as the contract passes it on: `{id, name, os, status, busy, labels: [{name}]}`. */
function checkRunner(api: Api, r: Runner): void {
  if (r === null || typeof r !== 'object') throw bad(api.connection, 'runner list entry', 'a runner object');
  checkRunnerId(api.connection, 'runner id', r.id);
  if (typeof r.name !== 'string' || r.name === '') throw bad(api.connection, 'runner name', 'a string');
  if (r.os !== undefined && typeof r.os !== 'string') throw bad(api.connection, 'runner os', 'a string');
  if (r.status !== undefined && typeof r.status !== 'string') throw bad(api.connection, 'runner status', 'a string');
  if (r.busy !== undefined && typeof r.busy !== 'boolean') throw bad(api.connection, 'runner busy flag', 'true or false');
  if (
    r.labels !== undefined &&
    (!Array.isArray(r.labels) || !r.labels.every((l) => l !== null && typeof l === 'object' && typeof l.name === 'string'))
  ) {
    throw bad(api.connection, 'runner label list', 'a list of {name} objects');
  }
}

export function getRunner(api: Api, id: number): Promise<Runner> {
  return api.call<Runner>(route(api.scope, 'getRunner'), { runner_id: id }, runnerSubject(id));
}

export async function deleteRunner(api: Api, id: number): Promise<void> {
  await api.call<void>(route(api.scope, 'deleteRunner'), { runner_id: id }, runnerSubject(id));
}

export async function listDownloads(api: Api): Promise<Download[]> {
  const data = await api.call<Download[]>(route(api.scope, 'listDownloads'));
  if (!Array.isArray(data))
    throw new UserError(`GitHub answered the downloads request of ${scopeLabel(api.scope)} without a list: check api_url`);
  for (const d of data) if (typeof d?.temp_download_token === 'string') redactor.add(d.temp_download_token);
  return data;
}

async function mint(api: Api, op: 'createRegistrationToken' | 'createRemoveToken'): Promise<AuthToken> {
  const t = await api.call<AuthToken>(route(api.scope, op));
  if (typeof t.token === 'string') redactor.add(t.token);
  const what = op === 'createRegistrationToken' ? 'registration token' : 'remove token';
  return { token: checkRunnerToken(api.connection, what, t.token), expires_at: checkExpiresAt(api.connection, t.expires_at) };
}

export function createRegistrationToken(api: Api): Promise<AuthToken> {
  return mint(api, 'createRegistrationToken');
}

export function createRemoveToken(api: Api): Promise<AuthToken> {
  return mint(api, 'createRemoveToken');
}

export async function generateJitConfig(api: Api, body: JitRequest): Promise<JitConfig> {
  const params: Record<string, unknown> = { name: body.name, runner_group_id: body.runner_group_id, labels: body.labels };
  if (body.work_folder !== undefined && body.work_folder !== '') params.work_folder = body.work_folder;
  const jit = await api.call<JitConfig>(route(api.scope, 'generateJitConfig'), params, { jitRunner: body.name });
  if (typeof jit.encoded_jit_config !== 'string' || !jit.runner || typeof jit.runner !== 'object') {
    throw new UserError(`GitHub answered the JIT request for runner "${body.name}" without a configuration`);
  }
  redactor.add(jit.encoded_jit_config);
  checkJitConfig(api.connection, jit.encoded_jit_config);
  checkRunnerId(api.connection, 'JIT runner id', jit.runner.id);
  return jit;
}

export function listLabels(api: Api, id: number): Promise<LabelList> {
  return api.call<LabelList>(route(api.scope, 'listLabels'), { runner_id: id }, runnerSubject(id));
}

export function addLabels(api: Api, id: number, labels: string[]): Promise<LabelList> {
  return api.call<LabelList>(route(api.scope, 'addLabels'), { runner_id: id, labels }, runnerSubject(id));
}

export function setLabels(api: Api, id: number, labels: string[]): Promise<LabelList> {
  return api.call<LabelList>(route(api.scope, 'setLabels'), { runner_id: id, labels }, runnerSubject(id));
}

export function removeLabel(api: Api, id: number, name: string): Promise<LabelList> {
  return api.call<LabelList>(route(api.scope, 'removeLabel'), { runner_id: id, name }, { runner: String(id), label: name });
}

export function removeAllLabels(api: Api, id: number): Promise<LabelList> {
  return api.call<LabelList>(route(api.scope, 'removeAllLabels'), { runner_id: id }, runnerSubject(id));
}

export async function listRunnerGroups(api: Api): Promise<RunnerGroup[]> {
  if (!hasRunnerGroups(api.scope)) return [];
  const groups = await api.paginate<RunnerGroup>(route(api.scope, 'listRunnerGroups'), 'runner_groups');
  for (const g of groups) {
    if (g === null || typeof g !== 'object' || typeof g.name !== 'string')
      throw bad(api.connection, 'runner group list entry', 'a {id, name} object');
    checkRunnerId(api.connection, 'runner group id', g.id);
  }
  return groups;
}

/**
 * Runner group name -> id. Empty means the default group. Names are looked up once per process
 * (`cache`), since a jit-configs read may name the same group for many runners.
 */
export async function resolveRunnerGroup(api: Api, name: string | undefined, cache?: Map<string, RunnerGroup[]>): Promise<number> {
  const wanted = (name ?? '').trim();
  if (wanted === '') return DEFAULT_RUNNER_GROUP_ID;
  if (!hasRunnerGroups(api.scope)) {
    throw new UserError(
      `runner group "${wanted}" given for ${scopeLabel(api.scope)}: runner groups exist at organization and enterprise scope only; leave it empty`,
    );
  }
  let groups = cache?.get('groups');
  if (!groups) {
    groups = await listRunnerGroups(api);
    cache?.set('groups', groups);
  }
  const found = groups.find((g) => g.name === wanted) ?? groups.find((g) => g.name.toLowerCase() === wanted.toLowerCase());
  if (found) return found.id;
  const names = groups.map((g) => `"${g.name}"`).join(', ');
  throw new UserError(
    `runner group "${wanted}" not found in ${scopeLabel(api.scope)}; it has ${names === '' ? 'no groups visible to this credential' : names}`,
  );
}

/** One page of the scope's runners, `name` passed as the server-side filter when given. */
export interface RunnerPage {
  readonly total_count: number;
  readonly runners: Runner[];
}

const PER_PAGE = 100;

export async function runnerPage(api: Api, page: number, name?: string): Promise<RunnerPage> {
  const r = route(api.scope, 'listRunners');
  const params: Record<string, unknown> = { per_page: PER_PAGE, page };
  if (name !== undefined) params.name = name;
  const data = await api.call<Record<string, unknown>>(r, params);
  const runners = data.runners;
  if (
    !Array.isArray(runners) ||
    !runners.every((x) => x && typeof x === 'object' && typeof x.id === 'number' && typeof x.name === 'string')
  ) {
    throw new UserError(
      `GitHub answered ${renderPath(r, scopeParams(api.scope))} without a "runners" list of {id, name}: check that api_url is the REST API base URL`,
    );
  }
  for (const x of runners) checkRunner(api, x as Runner);
  return { total_count: typeof data.total_count === 'number' ? data.total_count : runners.length, runners: runners as Runner[] };
}

/**
 * Every runner of the scope, correct while other processes delete runners (a parallel destroy):
 * page 1 gives the total, then the pages are read from the last down to the first, page 1 again.
 * A deletion only moves a runner to a lower position, so a runner that exists throughout the walk
 * is on the page being read at some step (docs/decisions.md, "Ownership and destroy"); walking
 * upwards skips the runners that move down past the reader. Runners registered during the walk
 * are appended at the end and may be missed. Duplicates (moved onto a page read later) are merged.
 */
export async function listRunnersStable(api: Api, first?: RunnerPage): Promise<Runner[]> {
  const head = first ?? (await runnerPage(api, 1));
  if (head.runners.length >= head.total_count) return head.runners;
  // A server that caps per_page lower than asked: page by what it gives.
  const size = head.runners.length > 0 && head.runners.length < PER_PAGE ? head.runners.length : PER_PAGE;
  const pages = Math.ceil(head.total_count / size);
  if (pages > MAX_PAGES) {
    throw new UserError(
      `${scopeLabel(api.scope)} lists ${head.total_count} runners, more than this program walks (${MAX_PAGES} pages of ${size}): ` +
        'it stopped rather than report a runner missing; delete runners you no longer need, or use a server that applies the name filter',
    );
  }
  const seen = new Map<number, Runner>();
  for (let p = pages; p >= 2; p--) for (const r of (await runnerPage(api, p)).runners) seen.set(r.id, r);
  for (const r of (await runnerPage(api, 1)).runners) seen.set(r.id, r);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/** Runner names are unique on GitHub regardless of case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * One `?name=` request. `complete`: the answer holds everything the server matched, so `match` is
 * authoritative; `filterIgnored`: the server answered runners of other names (it has no `name`
 * filter), so finding a runner means walking the whole list.
 */
export async function probeByName(
  api: Api,
  name: string,
): Promise<{ page: RunnerPage; complete: boolean; filterIgnored: boolean; match?: Runner }> {
  const page = await runnerPage(api, 1, name);
  return {
    page,
    complete: page.runners.length >= page.total_count,
    filterIgnored: page.runners.some((r) => !sameName(r.name, name)) || page.total_count > page.runners.length,
    match: page.runners.find((r) => sameName(r.name, name)),
  };
}

/**
 * The runner of this name, if any: one request where the server applies the `name` filter, a
 * walk of every page (see listRunnersStable) where it does not.
 */
export async function findRunnerByName(api: Api, name: string): Promise<Runner | undefined> {
  const probe = await probeByName(api, name);
  // A match is exact even on a server that ignores the filter: then it is on page 1, one request.
  if (probe.complete || probe.match) return probe.match;
  return (await listRunnersStable(api, probe.page)).find((r) => sameName(r.name, name));
}

/** The contract's runner shape: `{id, name, os, status, busy, labels: string[]}`. */
export function runnerSummary(r: Runner): { id: number; name: string; os: string; status: string; busy: boolean; labels: string[] } {
  return { id: r.id, name: r.name, os: r.os, status: r.status, busy: r.busy, labels: (r.labels ?? []).map((l) => l.name) };
}
