/**
 * Every import of `cdktf` and of the prebuilt provider packages lives in this module.
 *
 * The rest of the library imports from here only. The CDK Terrain (`cdktn`) flavor is built by
 * scripts/package-cdktn.js with flavors/cdktn/cdktf.ts in place of this module: cdktn apps cannot
 * host cdktf-based classes (a cdktn `App` holding a `@cdktf/provider-null` resource fails at
 * synth). Keep the two export lists the same.
 */
export {
  Aspects,
  AssetType,
  DataResource,
  Fn,
  Lazy,
  TerraformAsset,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Token,
} from 'cdktf';
export type { IAspect, ITerraformDependable, LocalExecProvisioner } from 'cdktf';
export { DataExternal } from '@cdktf/provider-external/lib/data-external';
export { ExternalProvider } from '@cdktf/provider-external/lib/provider';
export { NullProvider } from '@cdktf/provider-null/lib/provider';
export { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
