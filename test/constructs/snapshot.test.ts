import { OrgRunner, RunnerDownload } from '../../lib';
import { synthText } from './synth';

// The whole synthesized stack of one runner, as users' Terraform sees it. The runtime asset's
// content hash is masked so that a runtime change alone does not churn the snapshot.
test('one organization runner with a download and its install script', () => {
  const text = synthText((s) => {
    const d = new RunnerDownload(s, 'Linux', { org: 'octo-org', os: 'linux', architecture: 'x64' });
    const r = new OrgRunner(s, 'Runner', { org: 'octo-org', name: 'vm-1', labels: ['gpu'], waitForOnline: true });
    r.installScript(d);
  });
  expect(text.replace(/assets\/([\w-]+)\/[0-9A-F]{32}\//g, 'assets/$1/<hash>/')).toMatchSnapshot();
});
