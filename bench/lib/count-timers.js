// Preloaded (`node -r`) into the runtime by the benchmark, never shipped: counts the setTimeout
// calls a run makes and how long their callbacks waited, to show where idle time goes. Writes
// one JSON line to $BENCH_TIMERS_FILE at exit.
'use strict';
const fs = require('fs');

const original = global.setTimeout;
const stats = { timers: 0, zeroDelay: 0, waitedMs: 0 };
global.setTimeout = function countedSetTimeout(fn, ms, ...args) {
  stats.timers++;
  if (!ms) stats.zeroDelay++;
  const start = process.hrtime.bigint();
  return original(
    function timed(...a) {
      stats.waitedMs += Number(process.hrtime.bigint() - start) / 1e6;
      return fn.apply(this, a);
    },
    ms,
    ...args,
  );
};
process.on('exit', () => {
  if (process.env.BENCH_TIMERS_FILE) fs.writeFileSync(process.env.BENCH_TIMERS_FILE, JSON.stringify(stats));
});
