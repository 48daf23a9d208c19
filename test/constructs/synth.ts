import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** Synthesizes what `build` adds to a fresh stack and returns the parsed Terraform JSON. */
export function synthJson(build: (scope: Construct) => void): any {
  return JSON.parse(synthText(build));
}

export function synthText(build: (scope: Construct) => void): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  build(stack);
  return Testing.synth(stack);
}

/** The one resource (or data source) of `type` whose construct path ends with `suffix` (`Runner/Identity`). */
export function find(json: any, kind: 'resource' | 'data', type: string, suffix: string): any {
  const all = json[kind]?.[type] ?? {};
  const pattern = new RegExp(`(^|_)${suffix.replace(/\//g, '_')}_[0-9A-F]{8}$`);
  const hits = Object.entries(all)
    .filter(([key]) => pattern.test(key))
    .map(([, v]) => v);
  if (hits.length !== 1)
    throw new Error(`expected one ${kind}.${type} ending in ${suffix}, found ${hits.length}: ${Object.keys(all).join(', ')}`);
  return hits[0];
}

export function count(json: any, kind: 'resource' | 'data', type: string): number {
  return Object.keys(json[kind]?.[type] ?? {}).length;
}
