/**
 * The CLI's version. esbuild's `define` (scripts/build.mjs) replaces `PGO_VERSION` with package.json's
 * version in the bundle; code compiled by tsc alone (the unit tests) has no such constant.
 */
declare const PGO_VERSION: string | undefined;

export const CLI_VERSION: string = typeof PGO_VERSION === 'string' ? PGO_VERSION : '0.0.0-dev';
