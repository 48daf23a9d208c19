/** Replaced by scripts/bundle.js with the package version. */
declare const __RUNTIME_VERSION__: string | undefined;

export const RUNTIME_VERSION: string = typeof __RUNTIME_VERSION__ === 'string' ? __RUNTIME_VERSION__ : '0.0.0-dev';
