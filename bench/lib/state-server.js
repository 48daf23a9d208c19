// Terraform's `http` state backend for the benchmarks, held in memory. A fleet applied from CI keeps
// its state remotely (S3, GCS, Terraform Cloud, http), where Terraform keeps the state in memory
// during an apply and uploads a snapshot at most every 20 s; the local backend instead rewrites
// the whole file after each resource, which alone makes a large fleet's first apply quadratic
// (docs/decisions.md, "Benchmark budget"). No lock address is given, so Terraform does not lock.
'use strict';
const http = require('http');

async function startStateServer() {
  const states = new Map();
  const uploads = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const key = new URL(req.url, 'http://state').pathname;
      if (req.method === 'GET') {
        const body = states.get(key);
        res.writeHead(body ? 200 : 404).end(body);
      } else if (req.method === 'POST') {
        states.set(key, Buffer.concat(chunks));
        uploads.set(key, (uploads.get(key) ?? 0) + 1);
        res.writeHead(200).end();
      } else if (req.method === 'DELETE') {
        states.delete(key);
        res.writeHead(200).end();
      } else res.writeHead(405).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const key = (name) => `/${encodeURIComponent(name)}`;
  return {
    /** The backend address of one stack's state. */
    url: (name) => `${base}${key(name)}`,
    /** The stack's state as Terraform last uploaded it, or undefined. */
    state: (name) => states.get(key(name))?.toString('utf8'),
    /** How many snapshots Terraform uploaded for the stack. */
    uploads: (name) => uploads.get(key(name)) ?? 0,
    forget: (name) => {
      states.delete(key(name));
      uploads.delete(key(name));
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startStateServer };
