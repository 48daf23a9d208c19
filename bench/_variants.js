const path = require('path'); const fs = require('fs'); const os = require('os');
const { startBenchEmulator } = require('./lib/emulator');
const { loadManifest, pickEngine, engineEnv, tf } = require('./lib/terraform');
const { measureOk } = require('./lib/measure');
const variants = {
  full: (j) => j,
  noLifecycle: (j) => { for (const r of Object.values(j.resource.null_resource)) delete r.lifecycle; return j; },
  noReplaceTrigger: (j) => { for (const r of Object.values(j.resource.null_resource)) if (r.lifecycle) delete r.lifecycle.replace_triggered_by; return j; },
  noProvisioner: (j) => { for (const r of Object.values(j.resource.null_resource)) delete r.provisioner; return j; },
  noDataRef: (j) => { for (const r of Object.values(j.resource.null_resource)) if (r.triggers.token !== undefined) { r.triggers.token = 'x'; r.triggers.runner_url = 'y'; } return j; },
  noGenerations: (j) => { for (const d of Object.values(j.data.external)) delete d.query.generations; return j; },
  plain: (j) => { delete j.data; for (const r of Object.values(j.resource.null_resource)) { delete r.lifecycle; delete r.provisioner; if (r.triggers.token !== undefined) { r.triggers.token = 'x'; r.triggers.runner_url = 'y'; } } return j; },
  aggregator: (j) => { const d = Object.values(j.data.external).find((x) => x.query.generations); j.resource.null_resource.generations = { triggers: { generations: d.query.generations } }; d.query.generations = '${null_resource.generations.id}'; return j; },
  epoch: (j) => { const d = Object.values(j.data.external).find((x) => x.query.generations); j.resource.null_resource.epoch = { triggers: { fleet: require('crypto').createHash('sha256').update(JSON.stringify(Object.values(j.resource.null_resource).map((r) => r.triggers))).digest('hex') } }; d.query.generations = '${null_resource.epoch.id}'; return j; },
  noSensitive: (j) => { for (const r of Object.values(j.resource.null_resource)) if (r.triggers.token !== undefined) r.triggers.token = r.triggers.token.replace(/^\$\{sensitive\((.*)\)\}$/, '${$1}'); return j; },
};
(async () => {
  const { emulator, credential } = await startBenchEmulator();
  const m = loadManifest(); const engine = pickEngine(m); const env = engineEnv(m, { GITHUB_TOKEN: credential });
  const n = Number(process.argv[2]);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-var-'));
  await measureOk('node', [path.join(__dirname, 'apps', 'library-fleet.js'), '--runners', String(n), '--api-url', emulator.url, '--out', out]);
  const base = path.join(out, 'stacks', 'fleet');
  for (const name of process.argv.slice(3)) {
    const dir = path.join(out, name); fs.cpSync(base, dir, { recursive: true });
    const f = path.join(dir, 'cdk.tf.json');
    fs.writeFileSync(f, JSON.stringify(variants[name](JSON.parse(fs.readFileSync(f, 'utf8')))));
    await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
    const a = await tf(engine, env, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const p = await tf(engine, env, dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode'], [0, 2]);
    const st = fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'); const cred = JSON.parse(st).resources.find((r) => /Credentials/.test(r.name)); console.log('state bytes', st.length, 'credentials deps', cred.instances[0].dependencies.length, cred.instances[0].dependencies.slice(0, 3));
    console.log(n, name, 'apply', a.ms.toFixed(0), 'plan', p.code, p.ms.toFixed(0));
  }
  fs.rmSync(out, { recursive: true, force: true });
  await emulator.close();
})().catch(e => { console.error(e.message); process.exit(1); });
