#!/usr/bin/env node
// The least a `runners` data source can hold: every page fetched in turn with node's http, kept
// as the parsed runner objects, printed as the same four result keys as the runtime's. No
// retries or error handling: the memory floor the runtime's listing is compared with.
'use strict';
const http = require('http');

function page(base, n) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/actions/runners?per_page=100&page=${n}`);
    http
      .get(
        url,
        { headers: { authorization: `Bearer ${process.env.GITHUB_TOKEN}`, 'user-agent': 'bench', accept: 'application/vnd.github+json' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`status ${res.statusCode}`))));
        },
      )
      .on('error', reject);
  });
}

let input = '';
process.stdin.on('data', (d) => {
  input += d;
});
process.stdin.on('end', async () => {
  const query = JSON.parse(input);
  const base = `${query.api_url}/orgs/${query.org}`;
  const runners = [];
  for (let n = 1; ; n++) {
    const data = await page(base, n);
    runners.push(...data.runners);
    if (data.runners.length < 100 || runners.length >= data.total_count) break;
  }
  runners.sort((a, b) => a.id - b.id);
  const result = {
    count: String(runners.length),
    ids: runners.map((r) => r.id).join(','),
    names: runners.map((r) => r.name).join(','),
    runners_json: JSON.stringify(
      runners.map((r) => ({ id: r.id, name: r.name, os: r.os, status: r.status, busy: r.busy, labels: r.labels.map((l) => l.name) })),
    ),
  };
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
});
