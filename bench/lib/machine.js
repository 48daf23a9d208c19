// What the numbers were measured on.
'use strict';
const { execFile } = require('child_process');
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

module.exports = { machine, engineVersion };
