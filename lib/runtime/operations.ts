import { Api } from './client';
import { UserError } from './errors';
import { redactor } from './redact';
import { hasRunnerGroups, Scope, scopeLabel, scopePrefix } from './scope';

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
export function listRunners(api: Api, filter: { name?: string } = {}): Promise<Runner[]> {
  const params: Record<string, unknown> = {};
  if (filter.name !== undefined && filter.name !== '') params.name = filter.name;
  return api.paginate<Runner>(route(api.scope, 'listRunners'), 'runners', params);
}

export function getRunner(api: Api, id: number): Promise<Runner> {
  return api.call<Runner>(route(api.scope, 'getRunner'), { runner_id: id }, runnerSubject(id));
}

export async function deleteRunner(api: Api, id: number): Promise<void> {
  await api.call<void>(route(api.scope, 'deleteRunner'), { runner_id: id }, runnerSubject(id));
}

export async function listDownloads(api: Api): Promise<Download[]> {
  const data = await api.call<Download[]>(route(api.scope, 'listDownloads'));
  if (!Array.isArray(data)) throw new UserError(`GitHub answered the downloads request of ${scopeLabel(api.scope)} without a list: check api_url`);
  for (const d of data) redactor.add(d?.temp_download_token);
  return data;
}

async function mint(api: Api, op: 'createRegistrationToken' | 'createRemoveToken'): Promise<AuthToken> {
  const t = await api.call<AuthToken>(route(api.scope, op));
  if (typeof t.token !== 'string' || t.token === '') throw new UserError(`GitHub answered ${route(api.scope, op)} without a token`);
  redactor.add(t.token);
  return t;
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
  if (typeof jit.encoded_jit_config !== 'string' || !jit.runner) {
    throw new UserError(`GitHub answered the JIT request for runner "${body.name}" without a configuration`);
  }
  redactor.add(jit.encoded_jit_config);
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

export function listRunnerGroups(api: Api): Promise<RunnerGroup[]> {
  if (!hasRunnerGroups(api.scope)) return Promise.resolve([]);
  return api.paginate<RunnerGroup>(route(api.scope, 'listRunnerGroups'), 'runner_groups');
}

/**
 * Runner group name -> id. Empty means the default group. Names are looked up once per process
 * (`cache`), since a jit-configs read may name the same group for many runners.
 */
export async function resolveRunnerGroup(api: Api, name: string | undefined, cache?: Map<string, RunnerGroup[]>): Promise<number> {
  const wanted = (name ?? '').trim();
  if (wanted === '') return DEFAULT_RUNNER_GROUP_ID;
  if (!hasRunnerGroups(api.scope)) {
    throw new UserError(`runner group "${wanted}" given for ${scopeLabel(api.scope)}: runner groups exist at organization and enterprise scope only; leave it empty`);
  }
  let groups = cache?.get('groups');
  if (!groups) {
    groups = await listRunnerGroups(api);
    cache?.set('groups', groups);
  }
  const found = groups.find((g) => g.name === wanted) ?? groups.find((g) => g.name.toLowerCase() === wanted.toLowerCase());
  if (found) return found.id;
  const names = groups.map((g) => `"${g.name}"`).join(', ');
  throw new UserError(`runner group "${wanted}" not found in ${scopeLabel(api.scope)}; it has ${names === '' ? 'no groups visible to this credential' : names}`);
}

/**
 * The runner of this exact name, if any. The `name` filter is asked for but not relied on: the
 * GHES the REST reference describes lists with `per_page` and `page` only, so the listing stops
 * at the first page that holds the name (one request when the server filters) and walks every
 * page only when no runner has it.
 */
export async function findRunnerByName(api: Api, name: string): Promise<Runner | undefined> {
  const params = { name };
  const runners = await api.paginate<Runner>(route(api.scope, 'listRunners'), 'runners', params, undefined, (page) => page.some((r) => r.name === name));
  return runners.find((r) => r.name === name);
}

/** The contract's runner shape: `{id, name, os, status, busy, labels: string[]}`. */
export function runnerSummary(r: Runner): { id: number; name: string; os: string; status: string; busy: boolean; labels: string[] } {
  return { id: r.id, name: r.name, os: r.os, status: r.status, busy: r.busy, labels: (r.labels ?? []).map((l) => l.name) };
}
