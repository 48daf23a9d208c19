import * as fs from 'fs';
import * as path from 'path';
import { spec, specsFor } from './support/openapi';

/** Proves the validator the other emulator tests rely on: it accepts GitHub's own examples and rejects broken ones. */

interface Example {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

const fixtures: { examples: Example[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'ghes-self-hosted-runners-examples.json'), 'utf8'),
);

/** Turns a documented template into a concrete path (`{runner_id}` -> 23). */
function concrete(template: string): string {
  return template
    .replace('{enterprise}', 'octo-enterprise')
    .replace('{org}', 'octo-org')
    .replace('{owner}', 'octo-org')
    .replace('{repo}', 'octo-repo')
    .replace('{runner_id}', '23');
}

describe('OpenAPI validator', () => {
  test('the fixtures cover every runner operation of the reference at every scope', () => {
    expect(fixtures.examples).toHaveLength(18);
    for (const prefix of ['/enterprises/{enterprise}', '/orgs/{org}', '/repos/{owner}/{repo}']) {
      expect(fixtures.examples.filter((e) => e.path.startsWith(prefix))).toHaveLength(6);
    }
  });

  test.each(fixtures.examples.map((e) => [`${e.method} ${e.path} ${e.status}`, e] as const))(
    'accepts the reference example %s',
    (_name, e) => {
      const p = concrete(e.path);
      const specs = specsFor(p);
      expect(specs.map((s) => s.name)).toEqual(['ghes-3.19', p.startsWith('/enterprises/') ? 'ghec' : 'api.github.com']);
      for (const s of specs) {
        expect(s.operation(e.method, p)?.template).toBe(e.path);
        expect(() => s.validate(e.method, p, e.status, e.body ?? undefined)).not.toThrow();
      }
    },
  );

  test('rejects a runner without its required fields, with a wrong type, or with a bad label type', () => {
    const ghes = spec('ghes-3.19');
    const good = {
      id: 23,
      name: 'MBP',
      os: 'macos',
      status: 'online',
      busy: true,
      labels: [{ id: 5, name: 'self-hosted', type: 'read-only' }],
    };
    expect(() => ghes.validate('GET', '/orgs/octo-org/actions/runners/23', 200, good)).not.toThrow();
    expect(() => ghes.validate('GET', '/orgs/octo-org/actions/runners/23', 200, { ...good, busy: undefined })).toThrow(/busy/);
    expect(() => ghes.validate('GET', '/orgs/octo-org/actions/runners/23', 200, { ...good, id: '23' })).toThrow(/must be integer/);
    expect(() =>
      ghes.validate('GET', '/orgs/octo-org/actions/runners/23', 200, { ...good, labels: [{ id: 5, name: 'x', type: 'builtin' }] }),
    ).toThrow(/allowed values/);
  });

  test('handles OpenAPI nullable: version may be null but not a number', () => {
    const api = spec('api.github.com');
    const runner = { id: 1, name: 'r', os: 'linux', status: 'offline', busy: false, labels: [] };
    expect(() => api.validate('GET', '/repos/o/r/actions/runners/1', 200, { ...runner, version: null })).not.toThrow();
    expect(() => api.validate('GET', '/repos/o/r/actions/runners/1', 200, { ...runner, version: 2 })).toThrow(/version/);
  });

  test('resolves $refs through components/responses (JIT config, labels, validation errors)', () => {
    const ghes = spec('ghes-3.19');
    const runner = { id: 1, name: 'r', os: 'unknown', status: 'offline', busy: false, labels: [] };
    expect(() =>
      ghes.validate('POST', '/orgs/o/actions/runners/generate-jitconfig', 201, { runner, encoded_jit_config: 'abc' }),
    ).not.toThrow();
    expect(() => ghes.validate('POST', '/orgs/o/actions/runners/generate-jitconfig', 201, { runner })).toThrow(/encoded_jit_config/);
    expect(() => ghes.validate('POST', '/orgs/o/actions/runners/generate-jitconfig', 422, { message: 'x' })).toThrow(/documentation_url/);
    expect(() => ghes.validate('DELETE', '/orgs/o/actions/runners/1/labels', 200, { total_count: 1 })).toThrow(/labels/);
  });

  test('an undocumented success status or a body on a 204 fails; undocumented errors must be basic errors', () => {
    const ghes = spec('ghes-3.19');
    expect(() => ghes.validate('GET', '/orgs/o/actions/runners', 201, { total_count: 0, runners: [] })).toThrow(/not documented/);
    expect(() => ghes.validate('DELETE', '/orgs/o/actions/runners/1', 204, { message: 'x' })).toThrow(/no body/);
    expect(() => ghes.validate('GET', '/orgs/o/actions/runners', 404, { message: 'Not Found', documentation_url: 'x' })).not.toThrow();
    expect(() => ghes.validate('GET', '/orgs/o/actions/runners', 404, { documentation_url: 'x' })).toThrow(/message/);
    expect(() => ghes.validate('GET', '/orgs/o/no-such-thing', 200, {})).toThrow(/no such operation/);
  });

  test('finds operations under the GHES /api/v3 prefix and prefers literal segments', () => {
    const ghes = spec('ghes-3.19');
    expect(ghes.operation('GET', '/api/v3/orgs/o/actions/runners/downloads')?.template).toBe('/orgs/{org}/actions/runners/downloads');
    expect(ghes.operation('GET', '/orgs/o/actions/runners/7')?.template).toBe('/orgs/{org}/actions/runners/{runner_id}');
    expect(spec('api.github.com').hasOperation('GET', '/enterprises/e/actions/runners')).toBe(false);
    expect(spec('ghec').hasOperation('GET', '/enterprises/e/actions/runners')).toBe(true);
  });
});
