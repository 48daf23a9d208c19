import { generationName, ownerMarker, ProvisionerCommand } from '../contract';
import { runnerNameProblem } from '../shared-checks';
import { boolFlag, checkFlags, flag, ParsedArgs, secondsFlag } from './args';
import { Api, connect } from './client';
import { UsageError, UserError } from './errors';
import { DEFAULT_API_URL } from './api-connection';
import { ScopeListing } from './listing-cache';
import { deleteRunner, findRunnerByName, Runner } from './operations';
import { stderrLine } from './redact';
import { scopeFrom, scopeLabel, scopePath, splitRepo } from './github-scope';

/** `--owner`/`--repository` are the query keys' names, which the constructs' provisioners use. */
export const SCOPE_FLAGS = ['enterprise', 'org', 'repo', 'owner', 'repository', 'api-url', 'credential-env'];

export const DEFAULT_BUSY_TIMEOUT = 300;
export const DEFAULT_ONLINE_TIMEOUT = 600;
const DEFAULT_POLL_INTERVAL = 5;

/** A fresh connection from the scope flags and the environment of this run. */
export function connectFromFlags(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<Api> {
  const repo = flag(args, 'repo');
  if (repo !== undefined && (flag(args, 'owner') !== undefined || flag(args, 'repository') !== undefined)) {
    throw new UsageError('give either --repo OWNER/REPO or --owner and --repository, not both');
  }
  const { owner, repository } = repo !== undefined ? splitRepo(repo) : { owner: flag(args, 'owner'), repository: flag(args, 'repository') };
  const scope = scopeFrom({ enterprise: flag(args, 'enterprise'), org: flag(args, 'org'), owner, repository }, 'flags');
  return connect({ scope, apiUrl: flag(args, 'api-url'), credentialEnv: flag(args, 'credential-env'), env });
}

function runnerName(args: ParsedArgs, command: string): string {
  const name = flag(args, 'name');
  if (name === undefined) throw new UsageError(`${command} needs --name`);
  const generation = flag(args, 'generation');
  const problem = runnerNameProblem(name, generation !== undefined);
  if (problem) throw new UserError(`--name: ${problem}`);
  return generation === undefined ? name : generationName(name, generation);
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * Deregisters a runner this stack registered. Three ways in (see docs/decisions.md, "Ownership
 * and destroy"):
 * - `--id`: the id captured when the JIT configuration was minted; deleted by id, no lookup. An
 *   empty id (nothing captured) falls back to `--name`, a JIT name whose suffix is the ownership.
 * - `--name` with `--identity`: a registration-token runner, registered by its VM; deleted only when
 *   it carries the marker label of that identity, else kept with one line saying what to do.
 * - `--name` with `--generation`: a JIT runner by its generation name (a retired identity).
 * Already gone is success (a destroy must converge); busy (422) is retried until --busy-timeout.
 * `--optional`: a resource that may hold nothing to delete (no id or no scope in its state).
 */
export async function runDeleteRunner(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const command = ProvisionerCommand.DELETE_RUNNER;
  checkFlags(args, [...SCOPE_FLAGS, 'id', 'name', 'identity', 'generation', 'busy-timeout', 'interval', 'optional'], command);
  const byId = args.flags.has('id');
  const id = flag(args, 'id');
  if (id !== undefined && !/^\d+$/.test(id)) throw new UsageError(`--id must be a runner id (a number), got "${id}"`);
  const identity = flag(args, 'identity');
  if (!byId && identity === undefined && flag(args, 'generation') === undefined) {
    throw new UsageError(
      `${command} needs --id, or --name with --identity (the identity resource whose marker the runner carries) or --generation`,
    );
  }
  if (boolFlag(args, 'optional') && (id === undefined || !SCOPE_KEYS.some((k) => flag(args, k) !== undefined))) return;
  const busyTimeout = secondsFlag(args, 'busy-timeout', DEFAULT_BUSY_TIMEOUT);
  const interval = Math.max(secondsFlag(args, 'interval', DEFAULT_POLL_INTERVAL), 0.1);
  if (id === undefined && flag(args, 'name') === undefined) {
    if (byId) return; // a JIT runner whose mint was never captured: nothing of ours to delete
    throw new UsageError(`${command} needs --name`);
  }
  const api = await connectFromFlags(args, env);
  const where = scopeLabel(api.scope);
  if (id !== undefined) {
    const outcome = await deleteById(api, Number(id), `runner id ${id}`, busyTimeout, interval);
    if (outcome === 'deleted' || flag(args, 'name') === undefined) {
      stderrLine(outcome === 'deleted' ? `deleted runner id ${id} from ${where}` : `runner id ${id} was already gone from ${where}`);
      return;
    }
    // Gone by id, yet a runner of its JIT name may exist: GitHub removed the ephemeral runner after
    // its job and a later read minted it again under the same name (the suffix is this identity's,
    // so the name is ours alone). Deleting by name too leaves no runner behind the destroy.
    const name = runnerName(args, command);
    stderrLine(`runner id ${id} was already gone from ${where}; looking for runner "${name}" minted again since`);
    await deleteByName(api, name, busyTimeout, interval);
    return;
  }
  const name = runnerName(args, command);
  if (identity === undefined) {
    await deleteByName(api, name, busyTimeout, interval);
    return;
  }
  await deleteOwned(api, env, name, ownerMarker(identity), busyTimeout, interval);
}

/** Scope flags, one of which names the scope. */
const SCOPE_KEYS = ['enterprise', 'org', 'repo', 'owner', 'repository'];

/**
 * The registration-token runner of this name, deleted only when it carries `marker`. The lookup
 * may come from another process's listing (a parallel destroy on a server without the `name`
 * filter): a cached runner is deleted by id, and a 404 or a missing marker is checked afresh
 * before anything is concluded.
 */
async function deleteOwned(
  api: Api,
  env: NodeJS.ProcessEnv,
  name: string,
  marker: string,
  busyTimeout: number,
  interval: number,
): Promise<void> {
  const where = scopeLabel(api.scope);
  const listing = new ScopeListing(api, env);
  let found = await listing.find(name);
  for (let attempt = 0; ; attempt++) {
    const runner = found.runner;
    if (!runner) {
      stderrLine(`runner "${name}" not found in ${where}: nothing to delete`);
      return;
    }
    if (!carries(runner, marker)) {
      if (found.cached) {
        found = await listing.find(name, true);
        continue;
      }
      stderrLine(
        `kept runner "${runner.name}" (id ${runner.id}) in ${where}: it lacks this runner's marker label ${marker}, so this stack did not register it ` +
          '(registered by hand, by another stack, or before cdktf-github-runners marked its runners); ' +
          `if it is yours, delete it with: cdktf-github-runners runners delete ${scopeFlags(api)} --id ${runner.id}`,
      );
      return;
    }
    const outcome = await deleteById(api, runner.id, `runner "${name}" (id ${runner.id})`, busyTimeout, interval);
    if (outcome === 'gone' && found.cached && attempt === 0) {
      // The cached id may be stale (the runner re-registered): look again before calling it gone.
      found = await listing.find(name, true);
      continue;
    }
    stderrLine(
      outcome === 'deleted'
        ? `deleted runner "${name}" (id ${runner.id}) from ${where}`
        : `runner "${name}" was already gone from ${where}`,
    );
    return;
  }
}

function carries(runner: Runner, marker: string): boolean {
  return (runner.labels ?? []).some((l) => typeof l?.name === 'string' && l.name.toLowerCase() === marker.toLowerCase());
}

/** The scope as runtime command-line flags, for the lines that tell a person what to run. */
function scopeFlags(api: Api): string {
  const s = api.scope;
  const base = `--${s.kind} ${scopePath(s)}`;
  return api.connection.apiUrl === DEFAULT_API_URL ? base : `${base} --api-url ${api.connection.apiUrl}`;
}

/**
 * Refuses to let a new registration-token runner take over a runner this stack did not register:
 * the install script configures with `--replace`, which would silently take over a runner of the
 * same name. One lookup where the server applies the `name` filter.
 */
export async function runCheckName(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const command = ProvisionerCommand.CHECK_NAME;
  checkFlags(args, [...SCOPE_FLAGS, 'name', 'identity'], command);
  const name = flag(args, 'name');
  const identity = flag(args, 'identity');
  if (name === undefined || identity === undefined) throw new UsageError(`${command} needs --name and --identity`);
  const marker = ownerMarker(identity);
  const api = await connectFromFlags(args, env);
  const listing = new ScopeListing(api, env);
  // A name missing from a cached listing is looked up afresh: a runner registered by hand since
  // that listing must not be taken over.
  let found = await listing.find(name);
  if (found.runner && !carries(found.runner, marker) && found.cached) found = await listing.find(name, true);
  const r = found.runner;
  if (r && !carries(r, marker)) {
    throw new UserError(
      `runner "${r.name}" (id ${r.id}) already exists in ${scopeLabel(api.scope)} and this stack did not register it (it lacks the marker label ${marker}): ` +
        'its VM would take it over (config.sh --replace); give this runner another name, or delete that runner first if it is yours ' +
        `(cdktf-github-runners runners delete ${scopeFlags(api)} --id ${r.id})`,
    );
  }
}

/** Deletes by id; busy (422) is retried every `interval` until `busyTimeout`. */
async function deleteById(api: Api, id: number, what: string, busyTimeout: number, interval: number): Promise<'deleted' | 'gone'> {
  const deadline = Date.now() + busyTimeout * 1000;
  for (;;) {
    const outcome = await tryDelete(api, id);
    if (outcome !== 'busy') return outcome;
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      throw new UserError(
        `${what} in ${scopeLabel(api.scope)} is still busy running a job after ${busyTimeout} s, so it was not deleted: ` +
          'let the job finish (or cancel it) and run the destroy again, or raise --busy-timeout',
      );
    }
    await sleep(Math.min(interval, left));
  }
}

/** By name, whoever registered it: the command line's `runners delete --name`. */
export async function deleteByName(api: Api, name: string, busyTimeout: number, interval: number): Promise<void> {
  const where = scopeLabel(api.scope);
  const runner = await findRunnerByName(api, name);
  if (!runner) {
    stderrLine(`runner "${name}" not found in ${where}: nothing to delete`);
    return;
  }
  const outcome = await deleteById(api, runner.id, `runner "${name}" (id ${runner.id})`, busyTimeout, interval);
  stderrLine(
    outcome === 'deleted' ? `deleted runner "${name}" (id ${runner.id}) from ${where}` : `runner "${name}" was already gone from ${where}`,
  );
}

/** 404 = someone else removed it; 422 = busy. Everything else is an error. */
async function tryDelete(api: Api, id: number): Promise<'deleted' | 'gone' | 'busy'> {
  try {
    await deleteRunner(api, id);
    return 'deleted';
  } catch (e) {
    const status = statusOf(e);
    if (status === 404) return 'gone';
    if (status === 422) return 'busy';
    throw e;
  }
}

/** The HTTP status behind a UserError from Api.call, if any (kept on the error by client.ts). */
function statusOf(e: unknown): number | undefined {
  return (e as { status?: number }).status;
}

/** Polls until the runner of this name is online; a runner not registered yet is waited for too. */
export async function runWaitOnline(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const command = ProvisionerCommand.WAIT_ONLINE;
  checkFlags(args, [...SCOPE_FLAGS, 'name', 'generation', 'timeout', 'interval'], command);
  const name = runnerName(args, command);
  const timeout = secondsFlag(args, 'timeout', DEFAULT_ONLINE_TIMEOUT);
  const interval = Math.max(secondsFlag(args, 'interval', DEFAULT_POLL_INTERVAL), 0.1);
  const api = await connectFromFlags(args, env);
  const where = scopeLabel(api.scope);
  const deadline = Date.now() + timeout * 1000;
  let last: Runner | undefined;
  for (;;) {
    last = await findRunnerByName(api, name);
    if (last?.status === 'online') {
      stderrLine(`runner "${name}" (id ${last.id}) is online in ${where}`);
      return;
    }
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      const state = last ? `registered but ${last.status}` : 'not registered';
      throw new UserError(
        `runner "${name}" is ${state} in ${where} after ${timeout} s: check the machine's runner service logs (_diag/), ` +
          'its network access to GitHub, and that the token reached it; or raise --timeout',
      );
    }
    await sleep(Math.min(interval, left));
  }
}
