#!/usr/bin/env node
// The least a registration-token data source can do: read the query, one POST with node's http,
// print the result. No retries, rate-limit handling, validation or error explanations: it is
// the floor the runtime's start-up is compared with, not a usable program.
'use strict';
const http = require('http');

let input = '';
process.stdin.on('data', (d) => {
  input += d;
});
process.stdin.on('end', () => {
  const query = JSON.parse(input);
  const url = new URL(`${query.api_url}/orgs/${query.org}/actions/runners/registration-token`);
  const req = http.request(
    url,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${process.env.GITHUB_TOKEN}`, 'user-agent': 'bench', accept: 'application/vnd.github+json' },
    },
    (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        if (res.statusCode !== 201) {
          process.stderr.write(`minimal data source: status ${res.statusCode}\n`);
          process.exit(1);
        }
        const { token, expires_at: expiresAt } = JSON.parse(body);
        process.stdout.write(JSON.stringify({ token, expires_at: expiresAt }), () => process.exit(0));
      });
    },
  );
  req.end();
});
