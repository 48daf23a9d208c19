/**
 * Every import of `cdktf` and of the prebuilt provider packages lives in this module.
 *
 * The rest of the library imports from here only. A CDK Terrain (`cdktn`) flavor of the library
 * is a later build step that swaps this one module: cdktn apps cannot host cdktf-based classes
 * today (a cdktn `App` holding a `@cdktf/provider-null` resource fails at synth).
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
