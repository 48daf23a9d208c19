// Item 1: synth wall time and peak memory of the library fleet against its hand-written floor.
'use strict';
const fs = require('fs');
const path = require('path');
const { interleave, measureOk, median } = require('../lib/measure');
const { appArgs, appReport, sameTerraform, scratch } = require('../lib/stacks');

async function runSynth(ctx) {
  const { sizes, repsFor } = ctx.plan.synth;
  const rows = [];
  for (const runners of sizes) {
    const kept = {};
    const samples = await interleave(['library', 'floor'], repsFor(runners), async (kind, rep) => {
      const out = scratch(`synth-${kind}`);
      const r = await measureOk(process.execPath, appArgs(kind, { runners, vms: true, apiUrl: ctx.apiUrl, out }));
      const app = appReport(r.stdout);
      if (rep < 2 && !kept[kind]) kept[kind] = out;
      else fs.rmSync(out, { recursive: true, force: true });
      return { wallMs: r.ms, maxRssKb: r.maxRssKb ?? app.maxRssKb, loadMs: app.loadMs, workMs: app.buildMs + app.synthMs };
    });
    const same = sameTerraform(path.join(kept.library, 'stacks', 'fleet'), path.join(kept.floor, 'stacks', 'fleet'));
    for (const dir of Object.values(kept)) fs.rmSync(dir, { recursive: true, force: true });
    if (!same)
      throw new Error(
        `library and floor stacks of ${runners} runners synthesize different Terraform JSON: bring bench/apps/floor-fleet.js in line with lib/`,
      );
    const m = (kind, key) => median(samples[kind].map((s) => s[key]));
    const row = {
      runners,
      reps: samples.library.length,
      library: {
        wallMs: m('library', 'wallMs'),
        maxRssKb: m('library', 'maxRssKb'),
        workMs: m('library', 'workMs'),
        loadMs: m('library', 'loadMs'),
      },
      floor: { wallMs: m('floor', 'wallMs'), maxRssKb: m('floor', 'maxRssKb'), workMs: m('floor', 'workMs'), loadMs: m('floor', 'loadMs') },
    };
    row.wallRatio = row.library.wallMs / row.floor.wallMs;
    row.rssRatio = row.library.maxRssKb / row.floor.maxRssKb;
    row.workRatio = row.library.workMs / row.floor.workMs;
    rows.push(row);
    ctx.log(
      `synth ${runners}: library ${s(row.library.wallMs)} / floor ${s(row.floor.wallMs)} = ${row.wallRatio.toFixed(2)}x wall, ` +
        `${mb(row.library.maxRssKb)} / ${mb(row.floor.maxRssKb)} MB peak RSS (${row.reps} interleaved reps each, same JSON)`,
    );
  }
  return { rows };
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb) => (kb / 1024).toFixed(0);

module.exports = { runSynth };
