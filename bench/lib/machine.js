// What the numbers were measured on.
'use strict';
const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: (cpus[0] && cpus[0].model.trim()) || 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0],
  };
}

/** `<engine> version -json`'s version, or the version setup recorded. */
function engineVersion(engine, env) {
  return new Promise((resolve) => {
    execFile(engine.binary, ['version', '-json'], { env, timeout: 60_000 }, (err, stdout) => {
      try {
        resolve(JSON.parse(stdout).terraform_version || engine.version);
      } catch {
        resolve(engine.version);
      }
    });
  });
}

/**
 * CPU seconds this process and every child it has waited for have used (Linux /proc; null
 * elsewhere). A section's difference is the work it asked of the machine, whatever else ran
 * beside it: on a shared machine its wall time grows, this does not.
 */
function cpuSeconds() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of proc(5), in USER_HZ (100 on Linux).
    return f.slice(11, 15).reduce((n, v) => n + Number(v), 0) / 100;
  } catch {
    return null;
  }
}

module.exports = { machine, engineVersion, cpuSeconds };
