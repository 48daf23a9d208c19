import { spawn } from 'child_process';

export interface Collected {
  /** The exit code; -1 when killed by a signal or by the timeout. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface CollectOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Default: this process's working directory. */
  readonly cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is not connected. */
  readonly stdin?: string;
  /** Without it the program may run as long as it likes; on expiry SIGTERM, then SIGKILL 10 s later. */
  readonly timeoutMs?: number;
}

/**
 * Runs a program to its end and collects its output, as Terraform runs the runtime and as a user
 * runs Terraform: an explicit environment, output read as bytes and decoded once at the end.
 */
export function spawnCollect(command: string, args: readonly string[], opts: CollectOptions): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: timedOut ? -1 : (code ?? -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  });
}
