// Turns the measurements into the console summary, docs/benchmarks.md and the two SVG charts.
// The prose around the numbers is written from the numbers: a goal's verdict, and the "why" of
// a miss, follow what this run measured.
'use strict';
const fs = require('fs');
const path = require('path');
const { lineChart } = require('./svg');

const GOALS = {
  synthRatio: 1.3,
  synth1000Ms: 3000,
  planRatio: 1.5,
  runtimeRatio: 1.5,
  pages: 100,
  pagesRss: 1.5,
  destroyPerRunner: 2,
  pipelinesRatio: 1.5,
};

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ms0 = (ms) => `${ms.toFixed(0)} ms`;
const msMiss = (ms) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const x2 = (r) => `${r.toFixed(2)}x`;
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
const bytesMb = (b) => `${(b / 1e6).toFixed(b < 1e6 ? 2 : 1)} MB`;
const int = (n) => n.toLocaleString('en-US');
const verdict = (ok) => (ok ? 'met' : '**missed**');

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The goal verdicts, shared by the console and the document. */
function goals(results) {
  const { synth, plan, cost, runtime, pagination } = results.sections;
  const out = [];
  const worstSynth = Math.max(...synth.rows.map((r) => r.wallRatio));
  const worstWork = Math.max(...synth.rows.map((r) => r.workRatio));
  const at1000 = synth.rows.find((r) => r.runners === 1000);
  out.push({
    goal: `synth time ratio to the floor <= ${GOALS.synthRatio}`,
    ok: worstSynth <= GOALS.synthRatio,
    value: `${x2(worstSynth)} worst wall-time ratio (${x2(worstWork)} for construct + synth alone)`,
  });
  if (at1000)
    out.push({
      goal: '1,000 runners synthesize in < 3 s',
      ok: at1000.library.wallMs < GOALS.synth1000Ms,
      value: sec(at1000.library.wallMs),
    });
  const biggest = plan.rows[plan.rows.length - 1];
  out.push({
    goal: `re-plan ratio to the floor <= ${GOALS.planRatio} at ${int(biggest.runners)}`,
    ok: biggest.ratio <= GOALS.planRatio,
    value: `${x2(biggest.ratio)} (${sec(biggest.library.ms)}; same JSON as the floor, see the plan section)`,
  });
  const counts = plan.rows.map((r) => r.library.requests);
  const constant = counts.every((c) => c === counts[0]) && cost.library.requests <= 3;
  out.push({
    goal: 'plan-time API cost constant per scope',
    ok: constant,
    value: `${counts.join(' / ')} request(s) per re-plan at ${plan.rows.map((r) => int(r.runners)).join(' / ')} runners; ${cost.library.requests} with downloads at ${cost.runners} VMs (per-VM tokens: ${cost.perVm.requests})`,
  });
  out.push({
    goal: `runtime data call <= ${GOALS.runtimeRatio}x node -e 0`,
    ok: runtime.ratio <= GOALS.runtimeRatio,
    value: `${x2(runtime.ratio)} (${ms0(runtime.runtimeData)} vs ${ms0(runtime.nodeE0)})`,
  });
  const p10k = pagination.rows.find((r) => r.runners === 10000);
  if (p10k)
    out.push({
      goal: '10,000 runners listed in 100 requests, bounded memory',
      ok: p10k.requests === GOALS.pages && bounded(pagination),
      value: `${p10k.requests} requests, peak RSS ${p10k.maxRssKb === null ? 'n/a' : `${mb(p10k.maxRssKb)} (${x2(p10k.maxRssKb / p10k.minimal.maxRssKb)} the minimal lister's)`}`,
    });
  out.push(...fleetGoals(results.sections));
  return out;
}

/** The goals of the destroy, fleet-scaling and concurrent-pipelines sections (those present). */
function fleetGoals({ destroy, scaling, pipelines }) {
  const out = [];
  if (destroy) {
    const worst = Math.max(...destroy.token.map((r) => r.perRunner));
    const size = Math.min(...destroy.token.map((r) => r.runners));
    const byFilter = (f) => destroy.token.find((r) => r.nameFilter === f);
    out.push({
      goal: `destroy <= ${GOALS.destroyPerRunner} requests per runner at ${int(size)} (with and without name filter)`,
      ok: worst <= GOALS.destroyPerRunner,
      value: `${byFilter(true).perRunner.toFixed(2)} with the filter, ${byFilter(false).perRunner.toFixed(2)} without (${int(size)} registration-token runners, 10 at a time); JIT fleet ${destroy.jit.perRunner.toFixed(2)}`,
    });
    const clean = destroy.token.every((r) => r.left === 0 && r.othersKept === r.others && r.failures === 0) && destroy.jit.left === 0;
    out.push({
      goal: 'destroy: 0 runners left',
      ok: clean,
      value: `${destroy.token.map((r) => r.left).join(' / ')} / ${destroy.jit.left} left (name filter / none / JIT fleet); ${destroy.token.map((r) => `${r.othersKept} of ${r.others}`).join(' and ')} others kept; ${destroy.token.reduce((n, r) => n + r.failures, 0)} failed deletes`,
    });
  }
  if (scaling) {
    const v = scaling.verdict.jit;
    const rows = scaling.rows.filter((r) => r.mode === 'jit');
    const deps = rows.map((r) => (r.failed ? 'failed' : String(r.depsMax))).join(' / ');
    const ran = rows.filter((r) => !r.failed);
    out.push({
      goal: `JIT fleet: dependencies per credentials resource constant (${scaling.jitSizes.map(int).join('/')}), state linear`,
      ok: v.ok,
      value: v.failed.length
        ? `apply failed at ${v.failed.map(int).join(', ')} runners; dependencies ${deps}`
        : ran.length < 2
          ? `${deps} dependencies (max); too few sizes to judge`
          : `${deps} dependencies (max); state ${x2(v.bytesRatio)} the bytes per runner at ${int(ran[ran.length - 1].runners)} as at ${int(ran[ran.length - 2].runners)}${ran.every((r) => r.clean) ? '' : '; a re-plan was not clean'}`,
    });
  }
  if (pipelines) {
    const c = pipelines.concurrent;
    const a = pipelines.alone;
    const ratio = (c.apply.ms + c.destroy.ms) / (a.apply.ms + a.destroy.ms);
    out.push({
      goal: 'every runner registered once and deleted (concurrent pipelines)',
      ok: c.left === 0 && a.left === 0,
      value: `${c.stacks} x ${c.runnersPerStack}: ${int(c.registered)} registered once each and online, ${c.left} left after the destroys (1 x ${int(a.registered)} alone: ${a.left} left)`,
    });
    out.push({
      goal: `${c.stacks} pipelines at once: wall time <= ${GOALS.pipelinesRatio}x one stack of ${int(a.registered)} alone`,
      ok: ratio <= GOALS.pipelinesRatio,
      value: `${x2(ratio)} (${sec(c.apply.ms + c.destroy.ms)} against ${sec(a.apply.ms + a.destroy.ms)}, apply and destroy)`,
    });
  }
  return out;
}

/**
 * "Bounded": the runtime holds no more than a lister must (every runner, to print one JSON object
 * as the data-source contract requires): its peak RSS at the largest listing is at most
 * GOALS.pagesRss times the minimal lister's, measured side by side.
 */
function bounded(pagination) {
  const big = pagination.rows[pagination.rows.length - 1];
  return big.maxRssKb === null || big.maxRssKb <= GOALS.pagesRss * big.minimal.maxRssKb;
}

function consoleSummary(results) {
  const lines = ['goal                                                       verdict  measured'];
  for (const g of goals(results)) lines.push(`${g.goal.padEnd(58)} ${(g.ok ? 'met' : 'MISSED').padEnd(8)} ${g.value.replace(/\*\*/g, '')}`);
  lines.push(
    `total ${(results.totalSeconds / 60).toFixed(1)} min (${Object.entries(results.sections)
      .map(([k, v]) => `${k} ${(v.seconds / 60).toFixed(1)}`)
      .join(', ')})`,
  );
  return lines.join('\n');
}

function synthSection(synth) {
  const rows = synth.rows.map((r) => [
    int(r.runners),
    sec(r.library.wallMs),
    sec(r.floor.wallMs),
    `**${x2(r.wallRatio)}**`,
    sec(r.library.workMs),
    sec(r.floor.workMs),
    x2(r.workRatio),
    mb(r.library.maxRssKb),
    mb(r.floor.maxRssKb),
    x2(r.rssRatio),
    String(r.reps),
  ]);
  return [
    '## 1. Synth',
    '',
    'Each fleet is N `OrgRunner`s of one organization, each rendering `installScript()` of one shared',
    "`RunnerDownload` (linux/x64) into a stand-in VM (`null_resource` whose `triggers.user_data` is the script's SHA-1, as",
    '`aws_instance` keeps it; the text is a `locals` entry):',
    '[bench/apps/library-fleet.js](../bench/apps/library-fleet.js). The floor,',
    '[bench/apps/floor-fleet.js](../bench/apps/floor-fleet.js), writes the same resources with the raw',
    '`@cdktf/provider-null` and `@cdktf/provider-external` classes at the top of the stack. Every run',
    'checks that both synthesize the same `cdk.tf.json` (byte for byte once cdktf\'s `"//"` metadata',
    'is removed). Wall time and peak RSS (GNU `time -v`) are of the whole `node app.js` process, module',
    'loading included; "construct + synth" is the part after `require()` (constructors and',
    '`app.synth()`), timed inside the process. Medians of interleaved runs.',
    '',
    table(
      [
        'runners',
        'library wall',
        'floor wall',
        'ratio',
        'library construct + synth',
        'floor construct + synth',
        'ratio',
        'library peak RSS',
        'floor peak RSS',
        'ratio',
        'runs each',
      ],
      rows,
    ),
    '',
    '![synth time against fleet size](benchmarks-synth.svg)',
  ].join('\n');
}

/**
 * Numbers of the previous full run (commit b5ae9a3, terraform 1.11.4, on the machine named here),
 * before two changes this report describes: the scope's token source referenced every runner
 * identity (item 2; `fix` is that run's side-by-side measurement of the library's JSON with the
 * epoch written in), and the runtime bundle scheduled requests through Bottleneck (items 4 and 5).
 */
const PREVIOUS = {
  commit: 'b5ae9a3',
  machine: 'AMD EPYC, 2 cores',
  plan: {
    runners: 1000,
    credentialDeps: 1001,
    stateBytes: 59.8e6,
    applyMs: 768920,
    planMs: 27920,
    fix: { credentialDeps: 3, stateBytes: 2.0e6, applyMs: 80780, planMs: 8860 },
  },
  runtime: { ratio: 1.77, dataMs: 124, nodeMs: 70, zeroDelay: 16, waitedMs: 17 },
  pagination: { runners: 10000, ratio: 7.59, zeroDelay: 1200, waitedMs: 1308, ms: 1769 },
};

/** The 1,000-runner plan row of the last full run that had one (docs/benchmarks.md at commit a2027dd). */
const LAST_PLAN_1000 = { commit: 'a2027dd', planMs: 23520, ratio: 1.02, stateBytes: 2.1e6, credentialDeps: 3, applyMs: 297610 };

/** The previous run's machine, and whether this run's differs (then times compare only roughly). */
function previousMachine(machine) {
  const now = `${machine.cpuModel}, ${machine.cores} cores`;
  return now === PREVIOUS.machine
    ? `${PREVIOUS.machine}, as here`
    : `${PREVIOUS.machine}, not this run's machine, so its times compare with this run's only roughly`;
}

function planSection(plan, engine, machine) {
  const rows = plan.rows.map((r) => [
    int(r.runners),
    sec(r.library.ms),
    sec(r.floor.ms),
    `**${x2(r.ratio)}**`,
    String(r.library.requests),
    bytesMb(r.state.stateBytes),
    int(r.state.credentialDeps),
    sec(r.applyMs),
    String(r.reps),
  ]);
  const big = plan.rows[plan.rows.length - 1];
  const small = plan.rows[0];
  const before = big.runners === PREVIOUS.plan.runners ? PREVIOUS.plan : undefined;
  const paragraphs = [
    ['## 2. Plan after apply'],
    [
      `\`${engine.id}\` ${engine.version} runs \`plan -detailed-exitcode\` on an applied fleet of N`,
      'registration-token org runners (no VMs), with the provider test builds of `test/terraform`',
      "against the emulator; every re-plan must report no changes. The floor is item 1's floor stack: its",
      "JSON is identical to the library's, so it plans against a copy of the library's applied state, and",
      'its ratio measures only the noise between runs. "First apply" is the library stack\'s apply from',
      'an empty state (local backend); "dependencies" is what one runner\'s credentials resource records',
      'in the state.',
    ],
    [
      table(
        [
          'runners',
          'library plan',
          'floor plan',
          'ratio',
          'API requests per re-plan',
          'state',
          'dependencies per credentials',
          'first apply',
          'runs each',
        ],
        rows,
      ),
    ],
    ['![plan time against fleet size](benchmarks-plan.svg)'],
    [
      "**State grows linearly.** The scope's registration-token data source (`lib/shared-scope.ts`)",
      'references one epoch `null_resource` in its `generations` query key, whose triggers hold a',
      "SHA-256, computed at synth, of every registration-token runner's path and identity triggers in",
      "the scope. Each runner's credentials resource therefore depends on its own identity, the epoch",
      `and the token source: ${int(big.state.credentialDeps)} dependencies at ${int(big.runners)} runners, ${int(small.state.credentialDeps)} at ${int(small.runners)}.`,
      ...(before
        ? [
            `Before this change the source listed every identity's id, so every credentials resource depended on`,
            `every identity. In the previous full run (commit ${PREVIOUS.commit}, ${previousMachine(machine)}), at ${int(before.runners)} runners:`,
            `${int(before.credentialDeps)} dependencies each, N² addresses in a ${bytesMb(before.stateBytes)} state that every plan decodes and Terraform's local`,
            `backend rewrote after each resource it created; first apply ${sec(before.applyMs)} and re-plan ${sec(before.planMs)}, against`,
            `${sec(before.fix.applyMs)} and ${sec(before.fix.planMs)} (${bytesMb(before.fix.stateBytes)} of state) for the same JSON with this epoch written in, measured side by`,
            `side in that run (${x2(before.applyMs / before.fix.applyMs)} and ${x2(before.planMs / before.fix.planMs)}). The library now has that shape: ${bytesMb(big.state.stateBytes)} of state and`,
            `${int(big.state.credentialDeps)} dependencies here.`,
          ]
        : []),
    ],
    [
      '**Deferral kept.** Adding, removing or redefining a runner changes the hash, Terraform replaces',
      'the epoch, its id is unknown until the apply, and so the token read (and the mint) still happens',
      'during the apply that creates the runner.',
      ...(small.deferral
        ? [
            `Checked in this run at ${int(small.runners)} + 1 runners: the plan defers the token read to the apply (${small.deferral.deferred ? 'yes' : 'no'}) and sends ${small.deferral.tokenRequests} token request(s).`,
          ]
        : []),
      'What it gives up: a runner replaced without a configuration change (`terraform apply -replace`,',
      'a tainted identity) leaves the epoch as it is, so its token is minted at plan time rather than at',
      'apply: stale only if a saved plan is applied more than an hour later (see docs/decisions.md).',
    ],
    [
      "**JIT runners** each have their own source, whose query references only that runner's identity",
      '(docs/decisions.md, "JIT fleets linear"): two dependencies per credentials resource at any fleet size,',
      'measured in section 8.',
    ],
    ...(plan.rows.some((r) => r.runners >= 1000)
      ? []
      : [
          [
            `**1,000 runners.** Not in this run: \`BENCH_PLAN_SIZES=10,100,1000 npm run bench\` adds them (about 7 more minutes,`,
            `most of it the first apply). The last run that did (report of commit ${LAST_PLAN_1000.commit}, on the machine named here)`,
            `re-planned 1,000 runners in ${sec(LAST_PLAN_1000.planMs)}, ${x2(LAST_PLAN_1000.ratio)} the floor, with ${bytesMb(LAST_PLAN_1000.stateBytes)} of state and ${LAST_PLAN_1000.credentialDeps} dependencies`,
            `per credentials resource; its first apply took ${sec(LAST_PLAN_1000.applyMs)}.`,
          ],
        ]),
  ];
  return paragraphs.map((p) => p.join('\n')).join('\n\n');
}

/** One stack's row of the plan-time cost table; `changed` says what a re-plan with changes proposes. */
function costRow(label, c, changed) {
  return [
    label,
    String(c.requests),
    String(c.tokenRequests),
    String(c.launches),
    sec(c.ms),
    c.changes ? changed : 'none',
    int(c.requestsAtFleet),
    int(c.replansPerHour),
  ];
}

function costSection(cost, plan) {
  return [
    '## 3. Plan-time GitHub cost',
    '',
    `One re-plan of ${cost.runners} org runners with VMs (install scripts), counted from the emulator's`,
    "request log and from a `node` placed first on Terraform's PATH that logs each launch before",
    'running the real node. The per-VM stack ([bench/apps/per-vm-tokens.js](../bench/apps/per-vm-tokens.js))',
    "is the pattern GitHub's provider imposes with `github_actions_registration_token`: one `external`",
    'data source per VM minting a registration token through the same runtime.',
    '',
    table(
      [
        'stack',
        'API requests',
        'registration tokens minted',
        'runtime launches',
        're-plan wall',
        're-plan diff',
        `requests per re-plan at ${int(cost.fleetForRateLimit)} VMs`,
        're-plans of that fleet per hour (5,000 requests)',
      ],
      [costRow('library (per scope)', cost.library, 'changes'), costRow('per-VM token sources', cost.perVm, 'every VM replaced')],
    ),
    '',
    `The library's count does not depend on the fleet: ${plan.rows.map((r) => `${r.library.requests} at ${int(r.runners)}`).join(', ')} runners`,
    'without VMs in the plan benchmark (the token source; with VMs the downloads source adds one). The',
    "per-VM pattern spends one request per VM at every refresh, and its fresh token changes each VM's",
    'user data, so every re-plan proposes to replace every VM.',
  ].join('\n');
}

function runtimeSection(rt, machine) {
  const load = rt.runtimeLoad - rt.nodeE0;
  const call = rt.runtimeData - rt.runtimeLoad;
  const ok = rt.ratio <= GOALS.runtimeRatio;
  const target = rt.nodeE0 * GOALS.runtimeRatio;
  const { p25, p75 } = rt.roundRatios;
  const noise =
    `Per interleaved round the ratio's middle half spans ${x2(p25)} to ${x2(p75)}` +
    (p25 <= GOALS.runtimeRatio && GOALS.runtimeRatio <= p75
      ? `: the goal lies inside it, so on this machine the verdict below is within the run's noise.`
      : '.');
  return [
    '## 4. Runtime start',
    '',
    `Median of ${rt.reps} interleaved runs of each, spawned the way Terraform does (query on stdin):`,
    '',
    table(
      ['command', 'median wall', 'ratio to node -e 0'],
      [
        ['`node -e 0`', ms0(rt.nodeE0), '1.00x'],
        ['`node runtime.js --version` (load only)', ms0(rt.runtimeLoad), x2(rt.runtimeLoad / rt.nodeE0)],
        ['`node runtime.js data`, registration-token query', ms0(rt.runtimeData), `**${x2(rt.ratio)}**`],
        [
          'minimal hand-written data source ([bench/apps/minimal-data-source.js](../bench/apps/minimal-data-source.js))',
          ms0(rt.minimalData),
          x2(rt.minimalRatio),
        ],
      ],
    ),
    '',
    `Bundle: \`dist/runtime/runtime.js\` ${int(rt.bundleBytes)} bytes (${int(rt.bundleGzipBytes)} gzipped).`,
    '',
    `Of the ${ms0(rt.runtimeData - rt.nodeE0)} the runtime adds to node's start, ${ms0(load)} is loading the bundle (parse and`,
    `compile, whatever the command) and ${ms0(call)} is the call; the minimal program that only POSTs with node's`,
    `http is at ${x2(rt.minimalRatio)}. \`@octokit/plugin-retry\` and \`@octokit/plugin-throttling\`, which issue 2 requires, schedule`,
    'every request through a limiter. With [Bottleneck](https://github.com/SGrondin/bottleneck), their own, the call',
    `yielded to the event loop with \`setTimeout(0)\` (at least 1 ms each in node) at each bookkeeping step: ${PREVIOUS.runtime.zeroDelay}`,
    `waits, ${PREVIOUS.runtime.waitedMs} ms per call, and ${x2(PREVIOUS.runtime.ratio)} (${PREVIOUS.runtime.dataMs} ms against ${PREVIOUS.runtime.nodeMs} ms) in the run of commit ${PREVIOUS.commit}`,
    `(${previousMachine(machine)}), which missed the goal. The plugins stay; the bundle now puts`,
    "[lib/runtime/limiter.ts](../lib/runtime/limiter.ts), the part of Bottleneck's API they use, in Bottleneck's place",
    '([scripts/bundle.js](../scripts/bundle.js)), and loads `@octokit/auth-app` only for App credentials.',
    `In this run the call waits on ${rt.timers.zeroDelay} zero-delay \`setTimeout\`s (${ms0(rt.timers.waitedMs)}; counted by preloading`,
    '[bench/lib/count-timers.js](../bench/lib/count-timers.js) into 5 extra runs).',
    '',
    noise,
    '',
    ok
      ? `Goal met (${x2(rt.ratio)} against ${x2(GOALS.runtimeRatio)}).`
      : [
          `Goal missed by ${msMiss(rt.runtimeData - target)} (${rt.ratio.toFixed(3)}x against ${x2(GOALS.runtimeRatio)}; the target is ${ms0(target)} here).`,
          'What would close it: load less. The emulator is about a third of the bundle (a second bundle for the',
          "`emulator` subcommand), and V8's compiled code can be cached (`vm.Script` `cachedData`, or",
          '`module.enableCompileCache()` on node >= 22.1).',
        ].join('\n'),
  ].join('\n');
}

function paginationSection(p) {
  const rss = (kb) => (kb === null ? 'n/a' : mb(kb));
  const rows = p.rows.map((r) => [
    int(r.runners),
    String(r.requests),
    ms0(r.ms),
    rss(r.maxRssKb),
    String(r.minimal.requests),
    ms0(r.minimal.ms),
    rss(r.minimal.maxRssKb),
    r.maxRssKb === null ? 'n/a' : `**${x2(r.maxRssKb / r.minimal.maxRssKb)}**`,
    bytesMb(r.resultBytes),
    String(r.reps),
  ]);
  const [small, big] = [p.rows[0], p.rows[p.rows.length - 1]];
  const perRunner = (a, b) => ((b - a) * 1024) / (big.runners - small.runners);
  return [
    '## 5. Pagination',
    '',
    '`node runtime.js data` with `operation=runners` on organizations of seeded runners (labels, mixed',
    'status and busy), `per_page=100`, side by side with a minimal lister',
    '([bench/apps/minimal-runners-list.js](../bench/apps/minimal-runners-list.js)) that fetches the same',
    "pages with node's http and prints the same result: the least a listing must hold, since the",
    'data-source contract returns every runner in one JSON object. Peak RSS from GNU `time -v`;',
    `"bounded" means at most ${x2(GOALS.pagesRss)} the minimal lister's peak.`,
    '',
    table(
      [
        'runners',
        'runtime requests',
        'runtime wall',
        'runtime peak RSS',
        'minimal requests',
        'minimal wall',
        'minimal peak RSS',
        'RSS ratio',
        'result size',
        'runs each',
      ],
      rows,
    ),
    '',
    small === big || big.maxRssKb === null
      ? ''
      : `From ${int(small.runners)} to ${int(big.runners)} runners the runtime's peak grows by ${(perRunner(small.maxRssKb, big.maxRssKb) / 1024).toFixed(1)} KiB per runner, the minimal lister's by ${(perRunner(small.minimal.maxRssKb, big.minimal.maxRssKb) / 1024).toFixed(1)} KiB: linear in the result, nothing kept per page.`,
    '',
    `Not a goal: the runtime takes ${x2(big.ms / big.minimal.ms)} the minimal lister's time for ${int(big.runners)} runners. In one run with`,
    `timers counted, ${int(p.timers.zeroDelay)} zero-delay \`setTimeout\`s waited ${ms0(p.timers.waitedMs)} of ${ms0(p.timers.ms)}; with Bottleneck (item 4) it was`,
    `${int(PREVIOUS.pagination.zeroDelay)} waits, ${int(PREVIOUS.pagination.waitedMs)} ms of ${int(PREVIOUS.pagination.ms)} ms, and ${x2(PREVIOUS.pagination.ratio)} the minimal lister's time (run of commit ${PREVIOUS.commit}).`,
  ].join('\n');
}

function pipelinesSection(p) {
  if (!p) return '';
  const l = p.limits.secondaryLimits;
  const c = p.concurrent;
  const a = p.alone;
  const row = (label, sc, phase) => {
    const f = sc[phase];
    return [
      label,
      phase,
      sec(f.ms),
      int(f.requests),
      int(f.writes),
      int(f.refused),
      `${int(f.waitSeconds)} s`,
      `${f.hits.concurrent} / ${f.hits['content-per-minute']} / ${f.hits['content-per-hour']}`,
    ];
  };
  const total = (sc) => sc.apply.ms + sc.destroy.ms;
  const writes = (sc) => sc.apply.writes + sc.destroy.writes;
  // With a sliding window of a minute, W writes need at least ceil(W / limit) - 1 full minutes.
  const floorSeconds = (sc) => Math.max(0, Math.ceil(writes(sc) / l.contentPerMinute) - 1) * 60;
  const peak = Math.max(c.destroy.peakConcurrent, a.destroy.peakConcurrent);
  const latency = p.latencyMs ?? 0;
  return [
    '## 6. Concurrent pipelines',
    '',
    `${c.stacks} stacks of ${c.runnersPerStack} organization runners (half registration-token, half JIT, each with a stand-in VM`,
    'that runs its install script during the apply) applied at once by separate Terraform processes, then destroyed',
    `at once, against one organization and one credential under GitHub's budgets as the emulator models them:`,
    `${int(p.limits.rateLimit)} requests an hour, ${l.maxConcurrent} concurrent requests, ${l.contentPerMinute} content-generating requests a minute and`,
    `${l.contentPerHour} an hour, \`retry-after: ${l.retryAfterSeconds}\` on a refusal. The reference is one stack of ${int(a.registered)} runners applied and`,
    'destroyed alone on its organization under the same budgets. The two scenarios run side by side, each against its',
    'own emulator (its own organization and full budgets): both applies start together and, once both fleets are',
    "checked, both destroys start together, so the machine's load hits both alike and the minutes each waits out the",
    'content-creation limit overlap rather than add up. After each apply the benchmark checks that every runner is',
    'registered exactly once and online; after each destroy, that none is left',
    '([bench/sections/pipelines.js](../bench/sections/pipelines.js)). Each stack keeps its state in an `http` backend',
    '([bench/lib/state-server.js](../bench/lib/state-server.js)), as a pipeline in CI keeps it remotely.',
    'Stand-in VMs keep the SHA-1 of their user data in state, as `aws_instance` does.',
    latency > 0
      ? `Every emulator answer is delayed by ${latency} ms, standing in for GitHub's own time to answer: without it the emulator, on loopback, answers each request before it reads the next, so no two requests of the credential are ever in flight at once (the peak reads 1) and the concurrency cap is never approached.`
      : 'The emulator adds no latency: on loopback it answers each request before it reads the next, so the peak concurrency below reads 1, which says nothing about GitHub.',
    ...(p.beside
      ? [
          `The ${p.beside.join(' and ')} sections ran beside this one on the same CPU, in the minutes both scenarios mostly wait out the content-creation limit; both scenarios met that load alike.`,
        ]
      : []),
    '',
    table(
      [
        'scenario',
        'phase',
        'wall',
        'API requests',
        'writes done',
        'requests refused',
        'waited (refusals x retry-after)',
        'secondary hits (concurrent / per minute / per hour)',
      ],
      [
        row(`${c.stacks} x ${c.runnersPerStack} at once`, c, 'apply'),
        row(`${c.stacks} x ${c.runnersPerStack} at once`, c, 'destroy'),
        row(`1 x ${a.registered} alone`, a, 'apply'),
        row(`1 x ${a.registered} alone`, a, 'destroy'),
      ],
    ),
    '',
    `Wall time, apply and destroy together: ${sec(total(c))} for the ${c.stacks} pipelines against ${sec(total(a))} for the one stack`,
    `(**${x2(total(c) / total(a))}**). Peak requests of the credential in flight at once: ${c.destroy.peakConcurrent} in the ${c.stacks} pipelines, ${a.destroy.peakConcurrent} alone`,
    `(cap ${l.maxConcurrent}${peak >= l.maxConcurrent ? ', reached' : ', not reached'}). Refused requests were waited out within the runtime's retry budget (the "waited" column is`,
    'process-seconds, spread over parallel processes); no runner was lost or registered twice. The content-creation limit',
    `bounds both: creating and deleting the fleet took ${int(writes(c))} writes in the ${c.stacks} pipelines and ${int(writes(a))} alone; at ${l.contentPerMinute} a minute that is at least`,
    `${int(floorSeconds(c))} s and ${int(floorSeconds(a))} s of waiting for the window however the fleet is split across pipelines.`,
  ].join('\n');
}

function destroySection(d) {
  if (!d) return '';
  const sz = d.token[0].runners;
  const rows = d.token.map((r) => [
    r.nameFilter ? 'name filter applied' : 'name filter ignored',
    int(r.runners),
    int(r.requests),
    `**${r.perRunner.toFixed(2)}**`,
    int(r.lists),
    int(r.deletes),
    String(r.left),
    `${r.othersKept} of ${r.others}`,
    String(r.failures),
    sec(r.seconds * 1000),
  ]);
  const j = d.jit;
  rows.push([
    'JIT fleet, `terraform destroy`',
    int(j.runners),
    int(j.requests),
    `**${j.perRunner.toFixed(2)}**`,
    int(j.lists),
    int(j.deletes),
    String(j.left),
    'n/a',
    'n/a',
    sec(j.ms),
  ]);
  const noFilter = d.token.find((r) => !r.nameFilter);
  return [
    '## 7. Destroy cost',
    '',
    `${int(sz)} registration-token runners, each carrying its identity's marker label as its VM registers it, among`,
    `${d.token[0].others} runners that are not the stack's, deleted by the runtime's \`delete-runner\` exactly as Terraform's destroy`,
    `provisioners run it: one process per runner, ${d.token[0].parallelism} at a time (Terraform's default \`-parallelism\`), against a fresh`,
    "emulator that applies the runner list's `name` filter (api.github.com) and one that ignores it (the GitHub",
    'Enterprise Server reference this project was built from): [bench/lib/destroy-cost.js](../bench/lib/destroy-cost.js), also runnable',
    `alone as \`node bench/destroy-cost.js [N]\`. The JIT row is a fleet of ${int(j.runners)} JIT runners applied and destroyed by Terraform`,
    `(${j.registered} registered after its apply), its requests counted from the emulator's log. Counts are API requests of the destroy`,
    'alone; "runners left" counts the fleet\'s runners still registered afterwards.',
    ...(d.beside
      ? [
          `This section ran beside the ${d.beside.join(' and ')} sections (see Run time): its request counts do not depend on the machine's load, its wall times do.`,
        ]
      : []),
    '',
    table(
      ['server', 'runners', 'requests', 'per runner', 'list requests', 'deletes', 'runners left', 'others kept', 'failed deletes', 'wall'],
      rows,
    ),
    '',
    `Without the filter, the processes share one walk of the list (a per-user cache file, trusted for a minute and`,
    `only for runners that existed before the walk began), so ${int(noFilter.lists)} listings serve ${int(noFilter.runners)} lookups; with it, each runner`,
    `is one \`?name=\` lookup and one delete. JIT runners are deleted by the id captured at their mint:`,
    `${int(j.deletes)} deletes, ${int(j.lists)} ${j.lists === 1 ? 'listing' : 'listings'} and ${int(j.mints)} token or configuration mints for ${int(j.runners)} runners.`,
  ].join('\n');
}

function scalingSection(sc) {
  if (!sc) return '';
  const label = { token: 'registration token', jit: 'JIT' };
  const ordered = [...sc.rows].sort((a, b) => (a.mode === b.mode ? a.runners - b.runners : a.mode === 'token' ? -1 : 1));
  const rows = ordered.map((r) =>
    r.failed
      ? [label[r.mode], int(r.runners), `failed after ${sec(r.applyMs)}`, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', '0']
      : [
          label[r.mode],
          int(r.runners),
          sec(r.applyMs),
          bytesMb(r.stateBytes),
          `${int(Math.round(r.stateBytes / r.runners))} B`,
          `${r.depsMedian} / **${r.depsMax}**`,
          `${sec(r.planMs)}${r.clean ? '' : ' (changes)'}`,
          String(r.planRequests),
          String(r.reps),
        ],
  );
  const say = (mode) => {
    const rs = sc.rows.filter((r) => r.mode === mode && !r.failed);
    if (rs.length < 2) return `${label[mode]}: too few sizes applied to say how it grows.`;
    const [a, b] = [rs[0], rs[rs.length - 1]];
    const deps =
      a.depsMax === b.depsMax
        ? `each credentials resource records ${b.depsMax} dependencies at every size`
        : `the dependencies a credentials resource records grow from ${a.depsMax} at ${int(a.runners)} runners to ${b.depsMax} at ${int(b.runners)} (each depends on the other runners of its mode)`;
    const prev = rs[rs.length - 2];
    const ratio = b.stateBytes / b.runners / (prev.stateBytes / prev.runners);
    return (
      `${label[mode]}: ${deps}; the state holds ${int(Math.round(a.stateBytes / a.runners))} bytes per runner at ${int(a.runners)} and ${int(Math.round(b.stateBytes / b.runners))} at ${int(b.runners)}` +
      ` (${x2(ratio)} from ${int(prev.runners)} to ${int(b.runners)}: ${ratio <= 1.5 ? 'linear' : 'growing faster than the fleet'}).`
    );
  };
  const failed = sc.rows.filter((r) => r.failed);
  return [
    '## 8. Fleet scaling by runner mode',
    '',
    `A fleet of JIT runners (\`jit: true\`) at ${sc.jitSizes.map(int).join(', ')} runners and, as the reference, one of registration-token`,
    `runners at ${sc.tokenSizes.map(int).join(', ')}, each of one organization, every runner rendering \`installScript()\` of one shared`,
    "`RunnerDownload` into a stand-in VM's user data (the VM keeps its SHA-1 in state, as `aws_instance` does:",
    '[bench/apps/library-fleet.js](../bench/apps/library-fleet.js)), is applied from an empty state kept in an `http` backend',
    '(as a pipeline keeps it remotely; the local backend rewrites the whole state file after each resource, which',
    'alone made 300 JIT runners apply in 117 s against 55 s with the `http` backend, measured once apart from this run,',
    'docs/decisions.md "Benchmark budget"), its state',
    'measured, and re-planned (median of the runs given; every re-plan must propose no changes). Where both modes are',
    'measured at a size they run side by side: both applies start together, then each re-plan of one starts with one of the',
    "other, so the machine's load hits both alike (their times are each other's reference, not what one mode takes alone",
    'on the machine). Issue 16 asks for JIT at 500; the registration-token reference stops at 100 to keep the run within',
    "its budget (its linear state at 1,000 runners is the plan section's and row L2's subject).",
    ...(sc.beside
      ? [
          `This section ran beside the ${sc.beside.join(' and ')} sections (see Run time): its dependencies and state sizes do not depend on the machine's load; its times are of a loaded machine.`,
        ]
      : []),
    '"Dependencies" are what each runner\'s credentials resource records in the state (median / max over the fleet):',
    'Terraform stores them per instance and writes them all whenever it saves the state, so they set how the state,',
    'and each save during the apply, grow.',
    '',
    table(
      [
        'mode',
        'runners',
        'first apply',
        'state',
        'state per runner',
        'dependencies per credentials (median / max)',
        're-plan',
        'API requests per re-plan',
        'runs',
      ],
      rows,
    ),
    '',
    '![state size against fleet size](benchmarks-scaling-state.svg)',
    '',
    '![first apply time against fleet size](benchmarks-scaling-apply.svg)',
    '',
    say('token'),
    '',
    say('jit'),
    ...(failed.length
      ? [
          '',
          ...failed.map(
            (r) =>
              `The ${label[r.mode]} fleet of ${int(r.runners)} failed to apply after ${sec(r.applyMs)}, leaving ${int(r.leftRegistered ?? 0)} runner(s) registered: ${r.failed}`,
          ),
        ]
      : []),
  ].join('\n');
}

function longestSection(sections) {
  const [name, v] = Object.entries(sections).sort(([, a], [, b]) => b.seconds - a.seconds)[0];
  return `${name} (${(v.seconds / 60).toFixed(1)} min)`;
}

function document(results) {
  const m = results.machine;
  const s = results.sections;
  const g = goals(results);
  return [
    '# Benchmarks',
    '',
    `Written by \`${results.command}\` (\`bench/run.js\`); every number below is from that one run, which`,
    `took ${(results.totalSeconds / 60).toFixed(1)} minutes, but for those said to be from the previous run (commit ${PREVIOUS.commit}).`,
    'Comparisons are measured side by side in the run (repetitions interleaved, medians reported) and',
    'given as ratios. Everything runs offline against the embedded GitHub emulator on loopback, with no',
    'added latency but in the concurrent-pipelines section (which says why).',
    '',
    table(
      ['machine', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['node', m.node],
        ['OS', m.os],
        ['load average at start', m.loadAverage.toFixed(2)],
        ['engine measured', `${results.engine.id} ${results.engine.version} (\`BENCH_ENGINE\` picks another)`],
        ['engines prepared', results.engines.map((e) => `${e.id} ${e.version}`).join(', ')],
      ],
    ),
    '',
    '## Goals',
    '',
    table(
      ['goal', 'verdict', 'measured'],
      g.map((x) => [x.goal, verdict(x.ok), x.value]),
    ),
    '',
    synthSection(s.synth),
    '',
    planSection(s.plan, results.engine, results.machine),
    '',
    costSection(s.cost, s.plan),
    '',
    runtimeSection(s.runtime, results.machine),
    '',
    paginationSection(s.pagination),
    '',
    pipelinesSection(s.pipelines),
    '',
    destroySection(s.destroy),
    '',
    scalingSection(s.scaling),
    '',
    '## Run time',
    '',
    `${Object.entries(s)
      .map(([k, v]) => `${k} ${(v.seconds / 60).toFixed(1)} min${v.beside ? ` (beside ${v.beside.join(', ')})` : ''}`)
      .join(', ')}.`,
    results.totalSeconds > 15 * 60
      ? `The run exceeds its 15-minute budget; the longest section is ${longestSection(s)}.`
      : `The whole run took ${(results.totalSeconds / 60).toFixed(1)} minutes, within its 15-minute budget.`,
    '',
  ].join('\n');
}

function writeReport(results, docsDir) {
  const s = results.sections;
  const files = [
    path.join(docsDir, 'benchmarks.md'),
    path.join(docsDir, 'benchmarks-synth.svg'),
    path.join(docsDir, 'benchmarks-plan.svg'),
  ];
  fs.writeFileSync(files[0], document(results));
  fs.writeFileSync(
    files[1],
    lineChart({
      title: 'Synth wall time (node app.js, module loading included)',
      xLabel: 'org runners, each with a VM install script (log scale)',
      yLabel: 'seconds (median)',
      xs: s.synth.rows.map((r) => r.runners),
      yFormat: (v) => `${v}`,
      series: [
        { name: 'cdktf-github-runners', points: s.synth.rows.map((r) => [r.runners, r.library.wallMs / 1000]) },
        {
          name: 'floor: raw provider classes, same JSON',
          points: s.synth.rows.map((r) => [r.runners, r.floor.wallMs / 1000]),
          dashed: true,
        },
      ],
    }),
  );
  fs.writeFileSync(
    files[2],
    lineChart({
      title: `Re-plan wall time (${results.engine.id} ${results.engine.version})`,
      xLabel: 'org runners, applied (log scale)',
      yLabel: 'seconds (median)',
      xs: s.plan.rows.map((r) => r.runners),
      yFormat: (v) => `${v}`,
      series: [
        { name: 'cdktf-github-runners', points: s.plan.rows.map((r) => [r.runners, r.library.ms / 1000]) },
        { name: 'floor: same JSON', points: s.plan.rows.map((r) => [r.runners, r.floor.ms / 1000]), dashed: true },
      ],
    }),
  );
  if (s.scaling) {
    const ran = s.scaling.rows.filter((r) => !r.failed);
    const series = (key, f) => [
      { name: 'registration-token runners', points: ran.filter((r) => r.mode === 'token').map((r) => [r.runners, f(r[key])]) },
      { name: 'JIT runners', points: ran.filter((r) => r.mode === 'jit').map((r) => [r.runners, f(r[key])]), dashed: true },
    ];
    const charts = [
      ['benchmarks-scaling-state.svg', 'State file size after the first apply', 'MB', series('stateBytes', (b) => b / 1e6)],
      [
        'benchmarks-scaling-apply.svg',
        `First apply wall time (${results.engine.id} ${results.engine.version})`,
        'seconds',
        series('applyMs', (v) => v / 1000),
      ],
    ];
    for (const [file, title, yLabel, data] of charts) {
      const target = path.join(docsDir, file);
      fs.writeFileSync(
        target,
        lineChart({
          title,
          xLabel: 'org runners, each with a VM install script (log scale)',
          yLabel,
          xs: s.scaling.jitSizes,
          yFormat: (v) => `${v}`,
          series: data,
        }),
      );
      files.push(target);
    }
  }
  return files;
}

module.exports = { writeReport, consoleSummary, goals, fleetGoals };
