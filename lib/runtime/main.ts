import { ProvisionerCommand } from '../contract';
import { boolFlag, parseArgs } from './args';
import { HELP, runCli } from './runtime-cli';
import { runDataSource } from './data-source';
import { UsageError, UserError } from './errors';
import { runCheckName, runDeleteRunner, runWaitOnline } from './provisioners';
import { stderrLine } from './redact';
import { RUNTIME_VERSION } from './version';

/**
 * Entry point of dist/runtime/runtime.js: Terraform's external data source (`data`), the
 * local-exec provisioner subcommands, and the human CLI. Every failure ends as one line on
 * stderr and a non-zero exit.
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'data') {
    if (rest.length > 0) throw new UsageError('data takes no arguments: the query is a JSON object on stdin');
    if (process.stdin.isTTY)
      throw new UsageError("data reads a JSON query on stdin (it is run by Terraform's external data source); pipe one in");
    const result = await runDataSource(process.stdin, process.env);
    await write(process.stdout, JSON.stringify(result));
    return 0;
  }
  if (command === 'emulator') {
    // Loaded on demand: the data source and provisioners should not pay for the emulator.
    const { runEmulatorCli } = await import('../emulator/emulator-cli');
    try {
      await runEmulatorCli(rest);
    } catch (e) {
      throw new UserError(e instanceof Error ? e.message : String(e));
    }
    return 0;
  }
  const args = parseArgs(argv);
  if (command === ProvisionerCommand.DELETE_RUNNER) {
    await runDeleteRunner(parseArgs(rest), process.env);
    return 0;
  }
  if (command === ProvisionerCommand.WAIT_ONLINE) {
    await runWaitOnline(parseArgs(rest), process.env);
    return 0;
  }
  if (command === ProvisionerCommand.CHECK_NAME) {
    await runCheckName(parseArgs(rest), process.env);
    return 0;
  }
  if (boolFlag(args, 'version')) {
    await write(process.stdout, `${RUNTIME_VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === 'help' || boolFlag(args, 'help')) {
    await write(process.stdout, HELP);
    return command === undefined && !boolFlag(args, 'help') ? 2 : 0;
  }
  let text = '';
  await runCli(args, process.env, (t) => {
    text += t;
  });
  await write(process.stdout, text);
  return 0;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));
}

/**
 * Exits as soon as the answer is written: node's fetch keeps its idle keep-alive connection
 * referenced for a while, which would add ~100 ms to every data-source read. Both streams are
 * flushed first (pipes are asynchronous on macOS).
 */
async function exit(code: number): Promise<never> {
  await Promise.all([write(process.stdout, ''), write(process.stderr, '')]).catch(() => undefined);
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: unknown) => {
    if (err instanceof UserError) {
      stderrLine(err.message);
      return exit(err.exitCode);
    }
    // A bug, not a user error: still one line, still scrubbed.
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    stderrLine(`internal error: ${msg} (please report it with CDKTF_GITHUB_RUNNERS_DEBUG=1 output)`);
    return exit(1);
  },
);
