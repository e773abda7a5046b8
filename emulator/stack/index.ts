/** The stack loader: applies a synthesized cdktf stack (`cdk.tf.json`) through per-type resource providers. */
export { applyStack, type ApplyOptions, type ApplyResult, type ChangeAction, type PriorResource, type ResourceChange, type ResourceContext, type ResourceProvider, type ResourceProviders } from "./engine.js";
export { builtinDataSources, partitionOf, renderPolicyDocument, type CloudIdentity, type DataSourceProvider } from "./data-sources.js";
export { directoryAssetResolver, normalizeAssetPath, uploadedAssetResolver, type AssetResolver } from "./assets.js";
export { emptyState, parseAppliedState, terraformType, type AppliedResource, type AppliedState, type StackOutput } from "./state.js";
export { isStackError, StackApplyError, StackError, type StackErrorCode } from "./errors.js";
export type { Value, ValueObject } from "./value.js";
