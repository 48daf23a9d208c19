// The public API. Only classes, enums and props interfaces: free functions and constant tables
// stay internal so the library can be compiled with jsii for Python, Java, C# and Go.
export type { ConnectionProps } from './connection';
export type { InstallScriptOptions } from './install-script';
export type { ScopeProps } from './scope';
export { RunnerScope } from './scope';
export * from './runner';
export * from './runner-download';
export * from './runner-token';
export * from './runners';
export * from './retired-runner';
