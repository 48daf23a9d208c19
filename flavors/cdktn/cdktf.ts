/**
 * The CDK Terrain (`cdktn`) flavor of lib/cdktf.ts: `scripts/package-cdktn.js` builds the same
 * lib/ sources with this module in place of lib/cdktf.ts. cdktn has no prebuilt provider packages
 * for null and external, so the four classes the constructs use are written on cdktn's core API
 * (./cdktn-bindings.ts); the names match what lib/cdktf.ts exports.
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
} from 'cdktn';
export type { IAspect, ITerraformDependable, LocalExecProvisioner } from 'cdktn';
export { DataExternal, ExternalProvider, NullProvider, NullResource } from './cdktn-bindings';
