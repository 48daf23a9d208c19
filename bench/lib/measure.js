// Process measurement: wall time from the parent, peak RSS from GNU time (`/usr/bin/time -v`)
// when present. Every child is spawned asynchronously so the in-process emulator keeps answering.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);

/**
 * Runs `cmd args` once. Resolves { code, ms, maxRssKb, stdout, stderr }; maxRssKb is null
 * without GNU time. Never rejects on an exit code: callers decide what a failure means.
 */
function measure(cmd, args, { env = process.env, cwd, input, rss = true } = {}) {
  const timeFile = rss && hasGnuTime ? path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`) : null;
  const [bin, argv] = timeFile ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, argv, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (e) => reject(new Error(`could not run ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let maxRssKb = null;
      if (timeFile) {
        const text = fs.readFileSync(timeFile, 'utf8');
        fs.rmSync(timeFile, { force: true });
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
        if (m) maxRssKb = Number(m[1]);
      }
      resolve({ code, ms, maxRssKb, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // a child that exits before reading stdin is not our failure
    child.stdin.end(input ?? '');
  });
}

/** Like measure, but a non-zero exit is an error carrying the end of the child's output. */
async function measureOk(cmd, args, opts) {
  const r = await measure(cmd, args, opts);
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().slice(-3000);
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.code}:\n${tail}`);
  }
  return r;
}

function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs each named variant `reps` times, interleaved (A B, B A, A B, ...) so that drift in the
 * machine's load hits every variant alike. `fn(name, rep)` returns one sample object.
 */
async function interleave(names, reps, fn) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name].push(await fn(name, rep));
  }
  return samples;
}

module.exports = { measure, measureOk, median, interleave, hasGnuTime };

/**
 * Runs a node program once with lib/count-timers.js preloaded; resolves the run and its timer
 * statistics ({ timers, zeroDelay, waitedMs }).
 */
async function measureTimers(args, opts = {}) {
  const file = path.join(os.tmpdir(), `bench-timers-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const r = await measureOk(process.execPath, ['-r', path.join(__dirname, 'count-timers.js'), ...args], {
    ...opts,
    rss: false,
    env: { ...(opts.env ?? process.env), BENCH_TIMERS_FILE: file },
  });
  const stats = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file, { force: true });
  return { ...r, ...stats };
}

module.exports.measureTimers = measureTimers;
