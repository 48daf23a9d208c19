/**
 * The benchmark's in-memory `http` state backend holds a real Terraform's state: an apply uploads
 * it, a re-plan reads it back and finds nothing to do, a second stack's state stays apart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { engines, tempDir, tf, tfOk } from '../terraform/harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bench is CommonJS without types, loaded as node runs it
const { startStateServer } = require('../../bench/lib/state-server');

interface StateServer {
  url(name: string): string;
  state(name: string): string | undefined;
  uploads(name: string): number;
  forget(name: string): void;
  close(): Promise<void>;
}

const engine = engines()[0];

function stack(address: string, triggers: Record<string, string>): string {
  const dir = tempDir('cgr-state-server-');
  const config = {
    terraform: { backend: { http: { address } }, required_providers: { null: { source: 'hashicorp/null' } } },
    resource: { null_resource: { vm: { triggers } } },
  };
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
  return dir;
}

test('an apply uploads its state, a re-plan reads it back, stacks stay apart', async () => {
  const server: StateServer = await startStateServer();
  try {
    const a = stack(server.url('fleet a'), { n: '1' });
    const b = stack(server.url('fleet b'), { n: '2' });
    expect(server.state('fleet a')).toBeUndefined();
    for (const dir of [a, b]) {
      await tfOk(engine, dir, ['init', '-input=false', '-no-color']);
      await tfOk(engine, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    }
    const state = JSON.parse(server.state('fleet a') as string);
    expect(state.resources.map((r: { name: string }) => r.name)).toEqual(['vm']);
    expect(state.resources[0].instances[0].attributes.triggers).toEqual({ n: '1' });
    expect(JSON.parse(server.state('fleet b') as string).resources[0].instances[0].attributes.triggers).toEqual({ n: '2' });
    expect(server.uploads('fleet a')).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(path.join(a, 'terraform.tfstate'))).toBe(false);
    // A clean re-plan proves the state was read back from the server, not started afresh.
    const plan = await tf(engine, a, ['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect(plan.code).toBe(0);
    server.forget('fleet a');
    expect(server.state('fleet a')).toBeUndefined();
  } finally {
    await server.close();
  }
});
