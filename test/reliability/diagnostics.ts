import { TerraformStack, Testing } from 'cdktf';
import { RunResult } from '../terraform/harness';
import { Workspace } from '../e2e/support';

export interface JsonRun extends RunResult {
  readonly seconds: number;
  /** Details of the error diagnostics, unwrapped (the human UI wraps long lines). */
  readonly errors: string[];
}

/** Runs an engine command with `-json`, so diagnostics come back whole rather than wrapped. */
export async function runJson(ws: Workspace, args: string[], env: NodeJS.ProcessEnv = {}): Promise<JsonRun> {
  const started = Date.now();
  const result = await ws.run([...args, '-json'], env);
  const errors: string[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.type === 'diagnostic' && msg.diagnostic?.severity === 'error')
      errors.push(`${msg.diagnostic.summary}: ${msg.diagnostic.detail ?? ''}`);
  }
  return { ...result, seconds: (Date.now() - started) / 1000, errors };
}

/**
 * The runtime's message in the first error of a run, without its prefix; undefined when the run
 * succeeded. Data sources report the program's stderr after "Error Message:", provisioners their
 * output after "Output:". The message is returned whole: a test matching it with ^...$ also
 * checks that it is one line.
 */
export function failure(run: JsonRun): string | undefined {
  if (run.code === 0 && run.errors.length === 0) return undefined;
  const detail = run.errors[0];
  if (detail === undefined) return `exit ${run.code} without a diagnostic:\n${run.stdout}\n${run.stderr}`;
  const external = /Error Message: ([\s\S]*?)\nState: /.exec(detail);
  const provisioner = /Output: ([\s\S]*)$/.exec(detail);
  const text = external?.[1] ?? provisioner?.[1];
  if (text === undefined) return detail;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const mine = lines.filter((l) => l.startsWith(PREFIX));
  // Provisioners may print progress first; the error is the program's last line.
  const last = mine.length > 0 ? mine[mine.length - 1] : text.trim();
  return external && lines.length > 1 ? text.trim() : last.startsWith(PREFIX) ? last.slice(PREFIX.length) : last;
}

const PREFIX = 'cdktf-github-runners: ';

/** The message of what `build` throws while constructing (no synth: the construct itself must throw). */
export function thrown(build: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app(), 'bad-input');
  try {
    build(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the construct accepted the bad input');
}
