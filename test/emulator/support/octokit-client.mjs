// Drives the emulator with the real Octokit stack the runtime uses (ESM-only packages, hence a
// separate node process). Prints one JSON line with what happened. Never prints a token.
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

const scenario = process.argv[2];
const env = process.env;
const events = [];
const log = {
  debug: () => {},
  info: () => {},
  warn: (m) => events.push(['warn', String(m).replace(/ghs_\w+/g, 'ghs_***')]),
  error: (m) => events.push(['error', String(m)]),
};
const Client = Octokit.plugin(retry, throttling);
const throttle = {
  onRateLimit: (retryAfter, _options, _octokit, retryCount) => {
    events.push(['primary-rate-limit', retryAfter]);
    return retryCount < 2;
  },
  onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
    events.push(['secondary-rate-limit', retryAfter]);
    return retryCount < 2;
  },
};

async function main() {
  let octokit;
  if (scenario === 'app') {
    octokit = new Client({
      baseUrl: env.EMU_BASE_URL,
      authStrategy: createAppAuth,
      auth: { appId: env.APP_ID, installationId: env.INSTALLATION_ID, privateKey: env.APP_PRIVATE_KEY },
      log,
      throttle,
    });
  } else {
    octokit = new Client({ baseUrl: env.EMU_BASE_URL, auth: env.GITHUB_TOKEN, log, throttle, retry: { retries: 3 } });
  }
  const token = await octokit.rest.actions.createRegistrationTokenForOrg({ org: 'octo-org' });
  const runners = await octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'octo-org', repo: 'octo-repo', per_page: 100 });
  return {
    tokenStatus: token.status,
    tokenShape: /^[A-Z0-9]{29}$/.test(token.data.token),
    listStatus: runners.status,
    totalCount: runners.data.total_count,
    events,
  };
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e) => {
    process.stdout.write(`${JSON.stringify({ error: `${e.status ?? ''} ${e.message}`, events })}\n`);
    process.exitCode = 1;
  },
);
