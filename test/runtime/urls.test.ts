import { isLoopbackHost } from '../../lib/shared-checks';
import { parseApiUrl } from '../../lib/runtime/api-connection';
import { runnerUrl, Scope } from '../../lib/runtime/github-scope';

/** The `config.sh --url` of each scope, derived from the API URL (pure functions of the runtime). */
const org: Scope = { kind: 'org', owner: 'octo-org' };
const repo: Scope = { kind: 'repo', owner: 'octo-org', repo: 'octo-repo' };
const ent: Scope = { kind: 'enterprise', owner: 'octo-ent' };

test.each([
  [undefined, 'https://api.github.com', 'https://github.com'],
  ['', 'https://api.github.com', 'https://github.com'],
  ['https://api.github.com/', 'https://api.github.com', 'https://github.com'],
  ['https://ghes.example.com/api/v3', 'https://ghes.example.com/api/v3', 'https://ghes.example.com'],
  ['https://ghes.example.com:8443/api/v3/', 'https://ghes.example.com:8443/api/v3', 'https://ghes.example.com:8443'],
  ['https://api.octocorp.ghe.com', 'https://api.octocorp.ghe.com', 'https://octocorp.ghe.com'],
  ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ['http://127.0.0.1:8080/api/v3', 'http://127.0.0.1:8080/api/v3', 'http://127.0.0.1:8080'],
  ['http://localhost:9000', 'http://localhost:9000', 'http://localhost:9000'],
  ['http://[::1]:9000/api/v3', 'http://[::1]:9000/api/v3', 'http://[::1]:9000'],
])('%s', (input, api, web) => {
  const c = parseApiUrl(input);
  expect(c.apiUrl).toBe(api);
  expect(c.webUrl).toBe(web);
  expect(runnerUrl(org, c)).toBe(`${web}/octo-org`);
  expect(runnerUrl(repo, c)).toBe(`${web}/octo-org/octo-repo`);
  expect(runnerUrl(ent, c)).toBe(`${web}/enterprises/octo-ent`);
});

test.each([
  ['http://api.github.com', /plain http/],
  ['http://10.1.2.3/api/v3', /plain http/],
  ['http://127.0.0.1.example.com', /plain http/],
  ['ftp://ghes.example.com', /must be an https:\/\/ URL/],
  ['https://user:pw@ghes.example.com', /must not contain credentials/],
  ['https://ghes.example.com/api/v3?x=1', /must not have a query/],
  ['not a url', /is not a URL/],
])('refuses %s', (input, message) => {
  expect(() => parseApiUrl(input)).toThrow(message);
});

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.5.6.7', 'localhost', '[::1]', '::1']) expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['128.0.0.1', 'example.com', '10.0.0.1', '127.0.0.1.nip.io']) expect(isLoopbackHost(h)).toBe(false);
});
