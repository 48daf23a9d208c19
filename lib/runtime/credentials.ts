import { readFileSync } from 'fs';
import { RuntimeEnv } from '../contract';
import { TOKEN_PATTERN } from '../shared-checks';
import { UserError } from './errors';
import { redactor } from './redact';

/** What kind of credential this is: error messages depend on it (enterprise endpoints, permission names). */
export type CredentialKind = 'classic' | 'fine-grained' | 'installation' | 'oauth' | 'user-to-server' | 'app' | 'unknown';

export interface AppCredential {
  readonly appId: string;
  readonly installationId: string;
  readonly privateKey: string;
}

export interface Credential {
  readonly kind: CredentialKind;
  /** Where it came from, for messages: an environment variable name, never the value. */
  readonly source: string;
  readonly token?: string;
  readonly app?: AppCredential;
}

export const TOKEN_IN_INPUT_HINT =
  'credentials are never accepted in arguments or the query (they would end up in Terraform state and logs); ' +
  'put the token in an environment variable: GITHUB_TOKEN, GH_TOKEN, or the one named by credential_env / --credential-env';

export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function tokenKind(token: string): CredentialKind {
  if (token.startsWith('ghp_')) return 'classic';
  if (token.startsWith('github_pat_')) return 'fine-grained';
  if (token.startsWith('ghs_')) return 'installation';
  if (token.startsWith('gho_')) return 'oauth';
  if (token.startsWith('ghu_')) return 'user-to-server';
  return 'unknown';
}

const KIND_NAMES: Record<CredentialKind, string> = {
  classic: 'classic personal access token',
  'fine-grained': 'fine-grained personal access token',
  installation: 'GitHub App installation token',
  oauth: 'OAuth app token',
  'user-to-server': 'GitHub App user token',
  app: 'GitHub App',
  unknown: 'token',
};

/** `classic personal access token from GITHUB_TOKEN`; `GitHub App 123 (installation 456)`. */
export function describeCredential(c: Credential): string {
  if (c.app) return `GitHub App ${c.app.appId} (installation ${c.app.installationId})`;
  return `${KIND_NAMES[c.kind]} from ${c.source}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const NO_CREDENTIAL =
  `no GitHub credential in the environment: set ${RuntimeEnv.GITHUB_TOKEN} (or ${RuntimeEnv.GH_TOKEN}, or the variable named by credential_env) ` +
  `to a token, or ${RuntimeEnv.APP_ID}, ${RuntimeEnv.APP_INSTALLATION_ID} and ${RuntimeEnv.APP_PRIVATE_KEY} (or ${RuntimeEnv.APP_PRIVATE_KEY_PATH}) for a GitHub App`;

/**
 * Reads the credential from the environment at run time: the variable named by credentialEnv,
 * else GITHUB_TOKEN, else GH_TOKEN, else a GitHub App. Registers it with the redactor at once.
 */
export function resolveCredential(env: NodeJS.ProcessEnv, credentialEnv?: string): Credential {
  if (credentialEnv !== undefined && credentialEnv !== '') {
    if (looksLikeToken(credentialEnv)) {
      throw new UserError(`credential_env holds what looks like a token, not a variable name: ${TOKEN_IN_INPUT_HINT}`);
    }
    if (!ENV_NAME.test(credentialEnv)) {
      throw new UserError(`credential_env must name an environment variable (letters, digits, _), got "${credentialEnv}"`);
    }
    const value = (env[credentialEnv] ?? '').trim();
    if (value === '') {
      throw new UserError(
        `the environment variable ${credentialEnv} (named by credential_env) is not set or empty: export the GitHub token in it`,
      );
    }
    return tokenCredential(value, credentialEnv);
  }
  for (const name of [RuntimeEnv.GITHUB_TOKEN, RuntimeEnv.GH_TOKEN]) {
    const value = (env[name] ?? '').trim();
    if (value !== '') return tokenCredential(value, name);
  }
  const app = appCredential(env);
  if (app) return app;
  throw new UserError(NO_CREDENTIAL);
}

function tokenCredential(token: string, source: string): Credential {
  redactor.add(token);
  if (/\s/.test(token)) {
    throw new UserError(`the value of ${source} contains whitespace: it must hold exactly one token`);
  }
  return { kind: tokenKind(token), source, token };
}

function appCredential(env: NodeJS.ProcessEnv): Credential | undefined {
  const appId = (env[RuntimeEnv.APP_ID] ?? '').trim();
  const installationId = (env[RuntimeEnv.APP_INSTALLATION_ID] ?? '').trim();
  const keyValue = env[RuntimeEnv.APP_PRIVATE_KEY] ?? '';
  const keyPath = (env[RuntimeEnv.APP_PRIVATE_KEY_PATH] ?? '').trim();
  if (appId === '' && installationId === '' && keyValue.trim() === '' && keyPath === '') return undefined;
  redactor.add(keyValue);
  const missing: string[] = [];
  if (appId === '') missing.push(RuntimeEnv.APP_ID);
  if (installationId === '') missing.push(RuntimeEnv.APP_INSTALLATION_ID);
  if (keyValue.trim() === '' && keyPath === '') missing.push(`${RuntimeEnv.APP_PRIVATE_KEY} or ${RuntimeEnv.APP_PRIVATE_KEY_PATH}`);
  if (missing.length > 0) {
    throw new UserError(
      `GitHub App credential incomplete: set ${missing.join(', ')} (or set ${RuntimeEnv.GITHUB_TOKEN} to use a token instead)`,
    );
  }
  if (!/^\d+$/.test(installationId)) {
    throw new UserError(`${RuntimeEnv.APP_INSTALLATION_ID} must be a number, got "${installationId}"`);
  }
  let privateKey = keyValue.trim();
  if (privateKey === '') {
    try {
      privateKey = readFileSync(keyPath, 'utf8').trim();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UserError(
        `cannot read the GitHub App private key at ${RuntimeEnv.APP_PRIVATE_KEY_PATH}="${keyPath}" (${code}): point it at the .pem file downloaded from the App settings`,
      );
    }
  }
  // CI systems often store the PEM with literal \n escapes.
  if (!privateKey.includes('\n') && privateKey.includes('\\n')) privateKey = privateKey.replace(/\\n/g, '\n');
  redactor.add(privateKey);
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    const where = keyValue.trim() !== '' ? RuntimeEnv.APP_PRIVATE_KEY : RuntimeEnv.APP_PRIVATE_KEY_PATH;
    throw new UserError(
      `the GitHub App private key from ${where} is not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----")`,
    );
  }
  return { kind: 'app', source: RuntimeEnv.APP_ID, app: { appId, installationId, privateKey } };
}
