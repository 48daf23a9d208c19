#!/usr/bin/env node
// Entry of `npm run bench` (after `npm run build` and `node test/terraform/setup.js`): measures
// synth, plan, plan-time GitHub cost, runtime start, pagination, concurrent pipelines, destroy cost
// and fleet scaling against the offline emulator,
// prints the numbers and writes docs/benchmarks.md and docs/benchmarks-*.svg.
// Options: --quick (fewer sizes and repetitions, report written to a scratch folder), BENCH_ENGINE=terraform|terraform-1.15|tofu,
// BENCH_PLAN_SIZES=10,100,1000 (the plan sizes, default 10,100: a 1,000-runner first apply adds
// about 7 minutes), BENCH_SCALING_JIT_SIZES=10,100 (the JIT fleet sizes, default 10,100,500),
// BENCH_SCALING_TOKEN_SIZES (the registration-token fleet sizes beside them, default 10,100),
// BENCH_SERIAL=1 (no section beside another).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startBenchEmulator, BENCH_ORG } = require('./lib/emulator');
const { machine, engineVersion, cpuSeconds } = require('./lib/machine');
const { engineEnv, loadManifest, pickEngine, ROOT } = require('./lib/terraform');
const { writeReport, consoleSummary } = require('./lib/report');
const { removeAllScratch } = require('./lib/stacks');
const { startStateServer } = require('./lib/state-server');
const { runSynth } = require('./sections/synth');
const { runPlan } = require('./sections/plan');
const { runPlanCost } = require('./sections/plan-cost');
const { runRuntimeStart } = require('./sections/runtime-start');
const { runPagination } = require('./sections/pagination');
const { runPipelines } = require('./sections/pipelines');
const { runDestroy } = require('./sections/destroy');
const { runFleetScaling } = require('./sections/fleet-scaling');

const quick = process.argv.includes('--quick');
const unknown = process.argv.slice(2).filter((a) => a !== '--quick');
if (unknown.length) {
  console.error(`bench: unknown argument ${unknown[0]}: the only option is --quick`);
  process.exit(2);
}

function sizesFromEnv(name, fallback) {
  const text = process.env[name];
  if (!text) return fallback;
  const sizes = text.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`${name}=${text}: give comma-separated positive integers such as 10,100,1000`);
  return sizes;
}

const PLAN = quick
  ? {
      synth: { sizes: [10, 100], repsFor: () => 3 },
      plan: { sizes: sizesFromEnv('BENCH_PLAN_SIZES', [10, 100]), repsFor: () => 3 },
      cost: { runners: 20, reps: 2, fleetForRateLimit: 1000 },
      runtime: { reps: 7 },
      pagination: { counts: [1000, 10000], reps: 1 },
      pipelines: { stacks: 2, runners: 10 },
      destroy: { runners: 150, jitRunners: 20 },
      scaling: {
        jitSizes: sizesFromEnv('BENCH_SCALING_JIT_SIZES', [10, 30]),
        tokenSizes: sizesFromEnv('BENCH_SCALING_TOKEN_SIZES', [10, 30]),
        repsFor: () => 1,
      },
    }
  : {
      synth: { sizes: [10, 100, 1000], repsFor: () => 3 },
      plan: { sizes: sizesFromEnv('BENCH_PLAN_SIZES', [10, 100]), repsFor: () => 3 },
      cost: { runners: 100, reps: 3, fleetForRateLimit: 1000 },
      runtime: { reps: 21 },
      pagination: { counts: [1000, 10000], reps: 3 },
      pipelines: { stacks: 4, runners: 50 },
      destroy: { runners: 1000, jitRunners: 100 },
      scaling: {
        jitSizes: sizesFromEnv('BENCH_SCALING_JIT_SIZES', [10, 100, 500]),
        tokenSizes: sizesFromEnv('BENCH_SCALING_TOKEN_SIZES', [10, 100]),
        repsFor: (n) => (n >= 100 ? 1 : 2),
      },
    };

// BENCH_SECTIONS=pipelines,cost runs only those sections and prints their numbers (no report).
const only = process.env.BENCH_SECTIONS ? process.env.BENCH_SECTIONS.split(',') : undefined;

async function main() {
  const started = Date.now();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'runtime', 'runtime.js')))
    throw new Error('dist/runtime/runtime.js is missing: run "npm run build" (npm run bench does)');
  const manifest = loadManifest();
  const engine = pickEngine(manifest);
  const { emulator, credential } = await startBenchEmulator();
  const stateServer = await startStateServer();
  const ctx = {
    stateServer,
    root: ROOT,
    plan: PLAN,
    emulator,
    credential,
    apiUrl: emulator.url,
    org: BENCH_ORG,
    tf: { engine, env: engineEnv(manifest, { GITHUB_TOKEN: credential }) },
    log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  };
  const results = {
    quick,
    machine: machine(),
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
    engine: { ...engine, version: await engineVersion(engine, ctx.tf.env) },
    sections: {},
  };
  results.engines = manifest.engines.map((e) => ({ id: e.id, version: e.version }));
  // Sections whose goals are times or memory of their own (runtime start, pagination, synth,
  // re-plan against the floor, plan-time cost) run alone. The last three run at once: their goals
  // are request counts, state shapes and ratios of scenarios measured side by side, which the
  // machine's load hits alike, and the pipelines section spends most of its minutes waiting out
  // GitHub's content-creation limit with the CPU idle (docs/decisions.md, "Benchmark budget").
  // BENCH_SERIAL=1 runs every section alone.
  const serial = process.env.BENCH_SERIAL === '1';
  const together = [
    ['pipelines', runPipelines],
    ['destroy', runDestroy],
    ['scaling', runFleetScaling],
  ];
  const steps = [
    [['runtime', runRuntimeStart]],
    [['pagination', runPagination]],
    [['synth', runSynth]],
    [['cost', runPlanCost]],
    [['plan', runPlan]],
    ...(serial ? together.map((section) => [section]) : [together]),
  ]
    .map((step) => step.filter(([name]) => !only || only.includes(name)))
    .filter((step) => step.length > 0);
  try {
    for (const step of steps) {
      const cpu = cpuSeconds();
      await Promise.all(
        step.map(async ([name, run]) => {
          const t = Date.now();
          results.sections[name] = await run(ctx);
          results.sections[name].seconds = (Date.now() - t) / 1000;
        }),
      );
      const used = cpu === null ? null : cpuSeconds() - cpu;
      for (const [name] of step) {
        const others = step.map(([n]) => n).filter((n) => n !== name);
        Object.assign(results.sections[name], { cpuSeconds: used, ...(others.length ? { beside: others } : {}) });
        ctx.log(
          `${name}: ${results.sections[name].seconds.toFixed(0)} s, ${used === null ? 'n/a' : used.toFixed(0)} CPU seconds${others.length ? ` (with ${others.join(', ')}, which ran beside it)` : ''}`,
        );
      }
    }
  } finally {
    await Promise.all([emulator.close(), stateServer.close()]);
    removeAllScratch();
  }
  results.totalSeconds = (Date.now() - started) / 1000;
  if (only) {
    console.log(JSON.stringify(results.sections, null, 2));
    return;
  }
  console.log('');
  console.log(consoleSummary(results));
  // A quick run's numbers are not the benchmark: its report goes to a scratch folder.
  const docs = quick ? fs.mkdtempSync(path.join(os.tmpdir(), 'cgr-bench-report-')) : path.join(ROOT, 'docs');
  const files = writeReport(results, docs);
  console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
}

main().catch((err) => {
  // The emulator credential is random per run, but still never printed.
  console.error(`bench failed: ${String(err.message).replace(/gh[pousr]_[A-Za-z0-9]+/g, 'gh*_***')}`);
  process.exit(1);
});
