/**
 * The test builds of hashicorp/null and hashicorp/external, checked against the released
 * providers' documented behaviour with every real engine. Hand-written Terraform JSON, no cdktf.
 * With E2E_PROVIDERS=registry the same assertions run against the released providers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Engine, engines, tf, tfOk, tempDir } from './harness';

const ALL = engines();
const NODE = process.execPath;

const REQUIRED_PROVIDERS = {
  null: { source: 'hashicorp/null', version: '3.2.4' },
  external: { source: 'hashicorp/external', version: '2.3.5' },
};

function writeConfig(dir: string, body: Record<string, unknown>): void {
  const config = { terraform: { required_providers: REQUIRED_PROVIDERS }, ...body };
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
}

/** Runs `fn` once per engine, side by side; a failure names the engine it happened with. */
async function eachEngine(fn: (engine: Engine) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(ALL.map((e) => fn(e)));
  const failures = results
    .map((r, i) => (r.status === 'rejected' ? `[${ALL[i].id} ${ALL[i].version}] ${(r.reason as Error)?.stack ?? r.reason}` : ''))
    .filter(Boolean);
  if (failures.length) throw new Error(failures.join('\n\n'));
}

async function outputs(engine: Engine, dir: string): Promise<Record<string, any>> {
  const r = await tfOk(engine, dir, ['output', '-json']);
  const raw = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
}

async function init(engine: Engine, dir: string): Promise<void> {
  await tfOk(engine, dir, ['init', '-input=false', '-no-color']);
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  address?: string;
}

/** The error diagnostics of a `-json` run (one JSON object per line). */
function diagnostics(stdout: string): Diagnostic[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((m) => m.type === 'diagnostic' && m.diagnostic.severity === 'error')
    .map((m) => m.diagnostic as Diagnostic);
}

/** A program that reports what it received: its arguments, stdin and working directory. */
const ECHO_PROGRAM = `
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({
    argv: JSON.stringify(process.argv.slice(2)),
    stdin: input,
    cwd: process.cwd(),
  }));
});
`;

test('setup prepared the three engines at the promised versions', () => {
  const byId = Object.fromEntries(ALL.map((e) => [e.id, e]));
  expect(Object.keys(byId).sort()).toEqual(['terraform', 'terraform-1.15', 'tofu']);
  expect(byId['terraform-1.15'].version).toMatch(/^1\.15\.\d+$/);
  expect(byId.tofu.version).toBe('1.10.6');
  for (const e of ALL) expect(fs.statSync(e.binary).mode & 0o111).not.toBe(0);
});

test('null_resource: decimal id, triggers replace it and re-run provisioners, destroy provisioner reads self.triggers', async () => {
  await eachEngine(async (engine) => {
    const dir = tempDir(`null-${engine.id}`);
    const config = (v: string) =>
      writeConfig(dir, {
        resource: {
          null_resource: {
            r: {
              triggers: { v, literal: 'a b;$HOME' },
              provisioner: [
                { 'local-exec': { command: 'echo "create ${self.triggers.v}" >> log.txt' } },
                { 'local-exec': { when: 'destroy', command: 'echo "destroy ${self.triggers.v}" >> log.txt' } },
              ],
            },
          },
        },
        output: { id: { value: '${null_resource.r.id}' }, triggers: { value: '${null_resource.r.triggers}' } },
      });
    const log = () => fs.readFileSync(path.join(dir, 'log.txt'), 'utf8').trim().split('\n');

    config('1');
    await init(engine, dir);
    const lock = fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    // The schema's documentation as the released 3.2.4 words it.
    const schemas = JSON.parse((await tfOk(engine, dir, ['providers', 'schema', '-json'])).stdout).provider_schemas;
    const nullSchema = Object.entries(schemas).find(([k]) => k.endsWith('/hashicorp/null'))![1] as any;
    expect(nullSchema.resource_schemas.null_resource.block.description).toBe(
      'The `null_resource` resource implements the standard resource lifecycle but takes no further action. ' +
        'On Terraform 1.4 and later, use the [`terraform_data` resource type](https://developer.hashicorp.com/terraform/language/resources/terraform-data) instead. ' +
        'Terraform 1.9 and later support the `moved` configuration block from `null_resource` to `terraform_data`.\n\n' +
        'The `triggers` argument allows specifying an arbitrary set of values that, when changed, will cause the resource to be replaced.',
    );
    expect(lock).toMatch(/provider "registry\.(terraform|opentofu)\.(io|org)\/hashicorp\/null" \{\s+version\s+= "3\.2\.4"/);
    await tfOk(engine, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const first = await outputs(engine, dir);
    expect(first.id).toMatch(/^[0-9]+$/);
    expect(first.triggers).toEqual({ v: '1', literal: 'a b;$HOME' });
    expect(log()).toEqual(['create 1']);

    const unchanged = await tf(engine, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain('No changes');

    config('2');
    const changed = await tf(engine, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect(changed.code).toBe(2);
    expect(changed.stdout).toContain('must be replaced');
    expect(changed.stdout).toMatch(/~ triggers = \{ # forces replacement\s+~ "?v"?\s+= "1" -> "2"/);
    await tfOk(engine, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const second = await outputs(engine, dir);
    expect(second.id).toMatch(/^[0-9]+$/);
    expect(second.id).not.toBe(first.id);
    expect(log()).toEqual(['create 1', 'destroy 1', 'create 2']);

    await tfOk(engine, dir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(log()).toEqual(['create 1', 'destroy 1', 'create 2', 'destroy 2']);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
    expect(state.resources).toEqual([]);
  });
});

test('external: exec without a shell, query on stdin, working_dir, result and id; null_data_source', async () => {
  await eachEngine(async (engine) => {
    const dir = tempDir(`external-${engine.id}`);
    fs.writeFileSync(path.join(dir, 'echo.js'), ECHO_PROGRAM);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'tool'), `#!/bin/sh\necho '{"via": "relative path"}'\n`, { mode: 0o755 });
    const literalArgs = ['$HOME', 'a;b', 'two words', '`id`', "'q'", '*'];
    const query = { b: 'two', a: 'one', quote: 'say "hi" & <bye>', unicode: 'é✓', empty: '' };
    writeConfig(dir, {
      data: {
        external: {
          // `node` has no slash, so it must be found on PATH.
          echo: { program: ['node', './echo.js', ...literalArgs], query },
          in_sub: { program: [NODE, path.join(dir, 'echo.js')], working_dir: path.join(dir, 'sub') },
          // Empty elements are dropped, not passed as empty arguments.
          sparse: { program: ['', NODE, '', path.join(dir, 'echo.js'), 'x'] },
          // With a slash the program is not looked up on PATH but taken relative to the working directory.
          relative: { program: ['./tool'] },
        },
        null_data_source: { n: { inputs: { k: 'v' } } },
      },
      output: {
        echo: { value: '${data.external.echo.result}' },
        echo_id: { value: '${data.external.echo.id}' },
        in_sub: { value: '${data.external.in_sub.result}' },
        sparse: { value: '${data.external.sparse.result}' },
        relative: { value: '${data.external.relative.result}' },
        null_outputs: { value: '${data.null_data_source.n.outputs}' },
      },
    });
    await init(engine, dir);
    await tfOk(engine, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const out = await outputs(engine, dir);
    const realDir = fs.realpathSync(dir);

    expect(Object.keys(out.echo).sort()).toEqual(['argv', 'cwd', 'stdin']);
    expect(JSON.parse(out.echo.argv)).toEqual(literalArgs);
    const stdin = out.echo.stdin as string;
    expect(JSON.parse(stdin)).toEqual(query); // one JSON object, nothing else on stdin
    expect(stdin.trim().startsWith('{')).toBe(true);
    expect(out.echo.cwd).toBe(realDir); // default working_dir: Terraform's own
    expect(out.echo_id).toBe('-');

    expect(out.in_sub.cwd).toBe(path.join(realDir, 'sub'));
    expect(out.in_sub.stdin).toBe('{}'); // no query: an empty object
    expect(JSON.parse(out.sparse.argv)).toEqual(['x']);
    expect(out.relative).toEqual({ via: 'relative path' });

    expect(out.null_outputs).toEqual({ k: 'v' });
    // `random` changes on every read, so it is checked in the state rather than in an output.
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
    const nullDs = state.resources.find((r: any) => r.type === 'null_data_source').instances[0].attributes;
    expect(nullDs.random).toMatch(/^[0-9]+$/);
    expect(nullDs.has_computed_default).toBe('default');
    expect(nullDs.id).toBe('static');

    // Data sources are read on every plan; the same results mean no changes.
    const again = await tf(engine, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect(again.code).toBe(0);
  });
});

test('external: failures are errors with the released provider’s messages', async () => {
  await eachEngine(async (engine) => {
    const dir = tempDir(`external-errors-${engine.id}`);
    const sh = (script: string) => ({ program: ['sh', '-c', script] });
    writeConfig(dir, {
      data: {
        external: {
          exit_stderr: sh('echo "boom: bad credentials" >&2; exit 3'),
          exit_silent: sh('exit 4'),
          not_json: sh('echo not json'),
          number_value: sh(`echo '{"ok": "yes", "n": 1}'`),
          array: sh(`echo '["a"]'`),
          trailing: sh(`echo '{"a": "b"} {}'`),
          empty_program: { program: [''] },
          missing_program: { program: ['no-such-program-e2e-harness'] },
        },
      },
    });
    await init(engine, dir);
    const r = await tf(engine, dir, ['plan', '-json', '-input=false']);
    expect(r.code).toBe(1);
    const diags = diagnostics(r.stdout);
    const of = (name: string) => {
      const found = diags.filter((d) => d.address === `data.external.${name}`);
      if (found.length !== 1) throw new Error(`expected one error for ${name}, got ${JSON.stringify(diags, null, 1)}`);
      return found[0];
    };

    expect(of('exit_stderr').summary).toBe('External Program Execution Failed');
    expect(of('exit_stderr').detail).toContain('Error Message: boom: bad credentials');
    expect(of('exit_stderr').detail).toContain('State: exit status 3');
    expect(of('exit_silent').detail).toContain('The program was executed, however it returned no additional error messaging.');
    expect(of('exit_silent').detail).toContain('State: exit status 4');

    for (const name of ['not_json', 'number_value', 'array', 'trailing']) {
      expect(of(name).summary).toBe('Unexpected External Program Results');
      expect(of(name).detail).toContain('Program output must be a JSON encoded map of string keys and string values.');
    }
    expect(of('not_json').detail).toContain('Result Error: invalid character');
    expect(of('number_value').detail).toContain('cannot unmarshal number into Go value of type string');
    expect(of('array').detail).toContain('cannot unmarshal array');

    expect(of('empty_program').summary).toBe('External Program Missing');
    expect(of('missing_program').summary).toBe('External Program Lookup Failed');
    // The released provider prints the configured element as a framework string value: quoted.
    expect(of('missing_program').detail).toContain(
      '\nProgram: "no-such-program-e2e-harness"\nError: exec: "no-such-program-e2e-harness": executable file not found in $PATH',
    );
    expect(diags).toHaveLength(8);
  });
});

test('external: an empty program list is rejected before anything runs', async () => {
  await eachEngine(async (engine) => {
    const dir = tempDir(`external-empty-${engine.id}`);
    writeConfig(dir, { data: { external: { none: { program: [] } } } });
    await init(engine, dir);
    const r = await tf(engine, dir, ['plan', '-json', '-input=false']);
    expect(r.code).toBe(1);
    const diags = diagnostics(r.stdout);
    expect(diags).toHaveLength(1);
    expect(diags[0].summary).toBe('Invalid Attribute Value');
    expect(diags[0].detail).toBe('Attribute program list must contain at least 1 elements, got: 0');
  });
});
