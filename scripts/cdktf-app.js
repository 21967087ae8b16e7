#!/usr/bin/env node
// cdktf.json's app (`cdktf synth`, `cdktf deploy`): main.ts, compiled in dist/ when that build is
// current, else its source through tsx, as bin/keyshare.js runs the CLI. `npx tsx main.ts` started npx
// and compiled main.ts and every source it imports on each run: about 1 s of CPU more per cdktf synth.
const { compiledIsCurrent } = require('../bin/compiled');

if (compiledIsCurrent(require('path').join(__dirname, '..'))) {
  require('../dist/main.js');
} else {
  require('tsx/cjs');
  require('../main.ts');
}
