import { engines } from './harness';

// The lifecycle scenarios promise all three engines; a partial setup (setup.js --minimal, as the
// demo runs it) must not quietly shrink the suite.
test('the suite runs on terraform, Terraform 1.15 and OpenTofu', () => {
  expect(engines().map((e) => e.id)).toEqual(['terraform', 'terraform-1.15', 'tofu']);
  expect(engines().find((e) => e.id === 'terraform-1.15')!.version).toMatch(/^1\.15\./);
  expect(engines().find((e) => e.id === 'tofu')!.version).toBe('1.10.6');
});
