import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGES, ROOT, packageFile, runOk } from './packages';

/** A file of a .tgz (npm pack layout), as text. */
async function fromTarball(tarball: string, member: string): Promise<string> {
  return runOk('tar', ['-xzOf', tarball, member], os.tmpdir());
}

/** What `npm run package` wrote, read the way the registries' clients read it. */
describe('the packages in dist/packages', () => {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

  test('the npm tarball ships .jsii, the runtime bundle and the providers as peers', async () => {
    const tarball = packageFile('js', /^cdktf-github-runners@.*\.jsii\.tgz$/);
    const files = (await runOk('tar', ['-tzf', tarball], ROOT)).split('\n');
    expect(files).toEqual(
      expect.arrayContaining(['package/.jsii', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/runtime/runtime.js']),
    );
    const pkg = JSON.parse(await fromTarball(tarball, 'package/package.json'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@cdktf/provider-external', '@cdktf/provider-null', 'cdktf', 'constructs']);
    const assembly = JSON.parse(await fromTarball(tarball, 'package/.jsii'));
    expect(Object.keys(assembly.types)).toEqual(
      expect.arrayContaining([
        'cdktf-github-runners.RunnerScope',
        'cdktf-github-runners.OrgRunner',
        'cdktf-github-runners.RunnerDownload',
        'cdktf-github-runners.Runners',
      ]),
    );
    expect(Object.keys(assembly.types).filter((t) => /ScopeRef|SharedScope|RuntimeProgram/.test(t))).toEqual([]);
    expect(assembly.targets.python.module).toBe('cdktf_github_runners');
  });

  test('the wheel holds module cdktf_github_runners and requires cdktf 0.21 and the provider packages', async () => {
    const wheel = packageFile('python', /^cdktf_github_runners-.*-py3-none-any\.whl$/);
    const listing = await runOk(
      'python3',
      [
        '-c',
        [
          'import sys, zipfile',
          'z = zipfile.ZipFile(sys.argv[1])',
          'print("\\n".join(z.namelist()))',
          'print(next(z.read(n).decode() for n in z.namelist() if n.endswith("METADATA")))',
        ].join('\n'),
        wheel,
      ],
      ROOT,
    );
    expect(listing).toContain('cdktf_github_runners/__init__.py');
    expect(listing).toContain(`cdktf_github_runners/_jsii/cdktf-github-runners@${version}.jsii.tgz`);
    expect(listing).toMatch(/^Requires-Dist: cdktf <0\.22\.0,>=0\.21\.0$/m);
    expect(listing).toMatch(/^Requires-Dist: cdktf-cdktf-provider-null /m);
    expect(listing).toMatch(/^Requires-Dist: cdktf-cdktf-provider-external /m);
  });

  test('Java and Go sources are generated (not built: their cdktf artifacts are not served)', () => {
    expect(fs.readFileSync(path.join(PACKAGES, 'java', 'pom.xml'), 'utf8')).toContain('<artifactId>cdktf</artifactId>');
    expect(fs.readFileSync(path.join(PACKAGES, 'go', 'cdktfgithubrunners', 'go.mod'), 'utf8')).toMatch(
      /^module github\.com\/cdktf-github-runners\/cdktf-github-runners-go\/cdktfgithubrunners$/m,
    );
  });

  test('the cdktn tarball depends on cdktn and constructs only, and no file of it requires cdktf', async () => {
    const tarball = packageFile('.', new RegExp(`^cdktn-github-runners-${version.replace(/\./g, '\\.')}\\.tgz$`));
    const pkg = JSON.parse(await fromTarball(tarball, 'package/package.json'));
    expect(pkg.name).toBe('cdktn-github-runners');
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies).toEqual({ cdktn: '^0.24.0', constructs: '>=10.6.0 <10.8.0' });
    const files = (await runOk('tar', ['-tzf', tarball], ROOT)).split('\n').filter((f) => /^package\/dist\/[^/]+\.(js|d\.ts)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files)
      expect(await fromTarball(tarball, f)).not.toMatch(/require\("(cdktf|@cdktf\/[^"]*)"\)|from ['"](cdktf|@cdktf\/)/);
  });
});
