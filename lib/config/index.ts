// The config store's public surface, re-exports only.
export { openConfigStore } from './open.js';
export type { ConfigStore, ConfigStoreOptions, LcsStore, ODataStore, SetOptions } from './store.js';
export { defaultConfigPath, lockPathOf } from './paths.js';
export type { LcsConfig, LcsSettings } from './lcs.js';
export { applyLcsChanges, isAadToken, lcsChangesOf, lcsTokenOf } from './lcs.js';
export type { ODataConfig, ODataConfigInput, ODataConfigSummary } from './odata.js';
export { ConfigFileSchema, LcsConfigSchema, ODataConfigSchema, ODataSectionSchema, CONFIG_VERSION } from './schema.js';
export type { ConfigFile, ConfigFileOutput, LcsConfigOutput, ODataConfigOutput, ODataSectionOutput } from './schema.js';
export type { LockOptions } from './lock.js';
