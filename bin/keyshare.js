#!/usr/bin/env node
// keyshare's CLI. It runs the compiled JavaScript in dist/ that `npm ci` builds: compiling the
// TypeScript sources with tsx on every call cost 0.15-0.45 s. When a source changed after the
// last build, it runs the sources through tsx instead, so it never runs stale code.
const { compiledIsCurrent } = require('./compiled');

const compiled = compiledIsCurrent(require('path').join(__dirname, '..'));
if (!compiled) require('tsx/cjs');
// Stack frames are mapped back to the TypeScript sources only with KEYSHARE_DEBUG, the one time
// stacks are shown: mapping every frame cdktf recorded once doubled synth time (npm run bench).
process.setSourceMapsEnabled(Boolean(process.env.KEYSHARE_DEBUG));
require(compiled ? '../dist/src/cli/main.js' : '../src/cli/main.ts').main(process.argv.slice(2));
