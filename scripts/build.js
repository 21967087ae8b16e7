#!/usr/bin/env node
// Compiles main.ts, src/ and modules/ into dist/ (tsconfig.build.json), then writes dist/BUILT,
// the stamp bin/keyshare.js compares with the sources' times. `npm run build`.
// `--if-stale` is the prepare script that npm ci runs (and npx, when it links this project): it
// compiles only when dist/ is not current, and a failed build does not fail the install, since
// the CLI then runs the sources through tsx (npm test reports type errors).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { compiledIsCurrent } = require('../bin/compiled');

const root = path.join(__dirname, '..');
const lenient = process.argv.includes('--if-stale');
if (lenient && compiledIsCurrent(root)) process.exit(0);

// The stamp carries the time the build started: a source saved during the build makes it stale.
const started = new Date();
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status === 0) {
  const stamp = path.join(root, 'dist', 'BUILT');
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, started, started);
} else if (lenient) {
  process.stderr.write('keyshare: the TypeScript build failed, so keyshare runs its sources through tsx (slower to start); npm test shows why\n');
} else {
  process.exitCode = tsc.status ?? 1;
}
