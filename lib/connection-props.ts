import { QueryKey } from './contract';

/** Where the GitHub API is and which environment variable holds the credential. */
export interface ConnectionProps {
  /**
   * Base URL of the GitHub REST API: `https://HOST/api/v3` for GitHub Enterprise Server,
   * `https://api.SUBDOMAIN.ghe.com` for GHE.com. No credentials, query or fragment. Plain http is
   * accepted only for a literal loopback address (127.0.0.0/8, ::1) or exactly `localhost`.
   * @default "https://api.github.com"
   */
  readonly apiUrl?: string;
  /**
   * Name of the environment variable that holds the token when Terraform runs. Only the name is
   * synthesized; the value is read from Terraform's environment at plan/apply/destroy time.
   * @default - GITHUB_TOKEN, then GH_TOKEN, else a GitHub App from GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY(_PATH)
   */
  readonly credentialEnv?: string;
}

export interface Connection {
  readonly apiUrl: string;
  readonly credentialEnv: string;
}

export const DEFAULT_API_URL = 'https://api.github.com';

/** The connection of checked props (see validateConnection in lib/validation.ts). */
export function resolveConnection(props: ConnectionProps): Connection {
  return { apiUrl: props.apiUrl ?? DEFAULT_API_URL, credentialEnv: props.credentialEnv ?? '' };
}

export function connectionQuery(c: Connection): Record<string, string> {
  return { [QueryKey.API_URL]: c.apiUrl, [QueryKey.CREDENTIAL_ENV]: c.credentialEnv };
}
