#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx keyshare` works right after `npm ci`.
require('tsx/cjs');
// cdktf captures a stack trace for every token it creates; mapping each frame through tsx's
// source maps doubled synth time at 1,000 consumers (npm run bench). Stacks are shown only
// with KEYSHARE_DEBUG, which turns the mapping back on.
if (!process.env.KEYSHARE_DEBUG) process.setSourceMapsEnabled(false);
require('../src/cli/main.ts').main(process.argv.slice(2));
