// The public API. Only classes, enums and props interfaces: free functions and constant tables
// stay internal so the library can be compiled with jsii for Python, Java, C# and Go.
export type { ConnectionProps } from './connection-props';
export type { InstallScriptOptions } from './install-script';
export type { ScopeProps } from './runner-scope';
export { RunnerScope } from './runner-scope';
export * from './runner';
export * from './runner-download';
export * from './runner-token';
export * from './runner-list';
export * from './retired-runner';
