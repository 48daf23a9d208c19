export * from './connection';
export type { InstallScriptOptions } from './install-script';
export * from './runner';
export * from './runner-download';
export * from './runner-token';
export * from './runners';
export type { ScopeProps } from './scope';
export * as contract from './contract';
