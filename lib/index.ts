export * from './connection';
export { InstallScriptOptions } from './install-script';
export * from './runner';
export * from './runner-download';
export * from './runner-token';
export * from './runners';
export { ScopeProps } from './scope';
export * as contract from './contract';
