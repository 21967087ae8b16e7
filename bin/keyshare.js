#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx keyshare` works right after `npm ci`.
require('tsx/cjs');
require('../src/cli/main.ts').main(process.argv.slice(2));
