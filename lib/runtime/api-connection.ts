import { isLoopbackHost } from '../shared-checks';
import { UserError } from './errors';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface ApiConnection {
  /** REST API base URL, no trailing slash. */
  readonly apiUrl: string;
  /** The web URL of the same GitHub (what `config.sh --url` builds on), no trailing slash. */
  readonly webUrl: string;
}

export function parseApiUrl(raw: string | undefined): ApiConnection {
  const text = (raw ?? '').trim() === '' ? DEFAULT_API_URL : (raw as string).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `api_url "${text}" is not a URL: use https://api.github.com, https://HOST/api/v3 (GHES) or https://api.SUBDOMAIN.ghe.com`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError('api_url must not contain credentials: put the token in an environment variable (GITHUB_TOKEN)');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UserError(`api_url must not have a query or fragment: use the bare API base URL`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new UserError(
        `api_url ${url.origin} uses plain http, which would send the credential unencrypted: use https:// (http is accepted only for loopback hosts)`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new UserError(`api_url must be an https:// URL, got "${url.protocol}"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const apiUrl = `${url.origin}${path}`;
  return { apiUrl, webUrl: webUrlOf(url, path) };
}

function webUrlOf(url: URL, path: string): string {
  const host = url.hostname.toLowerCase();
  const port = url.port === '' ? '' : `:${url.port}`;
  if (host === 'api.github.com') return 'https://github.com';
  // GHE.com data residency: api.SUB.ghe.com -> SUB.ghe.com
  const ghe = /^api\.([a-z0-9-]+)\.ghe\.com$/.exec(host);
  if (ghe) return `${url.protocol}//${ghe[1]}.ghe.com${port}`;
  // GHES and the emulator: https://HOST/api/v3 -> https://HOST
  const web = path.replace(/\/api\/v3$/, '');
  return `${url.protocol}//${url.host}${web}`;
}
