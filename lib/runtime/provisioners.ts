import { generationName, ProvisionerCommand } from '../contract';
import { runnerNameProblem } from '../names';
import { checkFlags, flag, ParsedArgs, secondsFlag } from './args';
import { Api, connect } from './client';
import { UsageError, UserError } from './errors';
import { deleteRunner, findRunnerByName, Runner } from './operations';
import { stderrLine } from './redact';
import { scopeFrom, scopeLabel, splitRepo } from './scope';

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
 * Deregisters the runner of this exact name. Already gone is success (a destroy must converge);
 * busy (422) is retried every few seconds until --busy-timeout, then reported.
 */
export async function runDeleteRunner(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const command = ProvisionerCommand.DELETE_RUNNER;
  checkFlags(args, [...SCOPE_FLAGS, 'name', 'generation', 'busy-timeout', 'interval'], command);
  const name = runnerName(args, command);
  const busyTimeout = secondsFlag(args, 'busy-timeout', DEFAULT_BUSY_TIMEOUT);
  const interval = Math.max(secondsFlag(args, 'interval', DEFAULT_POLL_INTERVAL), 0.1);
  const api = await connectFromFlags(args, env);
  await deleteByName(api, name, busyTimeout, interval);
}

export async function deleteByName(api: Api, name: string, busyTimeout: number, interval: number): Promise<void> {
  const where = scopeLabel(api.scope);
  const deadline = Date.now() + busyTimeout * 1000;
  for (;;) {
    const runner = await findRunnerByName(api, name);
    if (!runner) {
      stderrLine(`runner "${name}" not found in ${where}: nothing to delete`);
      return;
    }
    const outcome = await tryDelete(api, runner);
    if (outcome === 'deleted') {
      stderrLine(`deleted runner "${name}" (id ${runner.id}) from ${where}`);
      return;
    }
    if (outcome === 'gone') {
      stderrLine(`runner "${name}" was already gone from ${where}`);
      return;
    }
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      throw new UserError(
        `runner "${name}" (id ${runner.id}) in ${where} is still busy running a job after ${busyTimeout} s, so it was not deleted: ` +
        'let the job finish (or cancel it) and run the destroy again, or raise --busy-timeout',
      );
    }
    await sleep(Math.min(interval, left));
  }
}

/** 404 = someone else removed it; 422 = busy. Everything else is an error. */
async function tryDelete(api: Api, runner: Runner): Promise<'deleted' | 'gone' | 'busy'> {
  try {
    await deleteRunner(api, runner.id);
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
