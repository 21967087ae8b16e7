// Whether dist/ holds a build of the current sources. scripts/build.js (`npm run build`, and the
// `prepare` script npm ci runs) compiles main.ts, src/ and modules/ into dist/ and then writes
// dist/BUILT; a .ts file changed after the build started (an edit, a checkout) makes it stale.
const fs = require('fs');
const path = require('path');

// An installed package ships dist/ without the sources: a source that is not there changed nothing.
const SOURCES = ['main.ts', 'index.ts', 'src', 'modules'];

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function changedSince(entry, stamp) {
  if (entry.endsWith('.ts')) return (mtime(entry) ?? -Infinity) > stamp;
  let names;
  try {
    names = fs.readdirSync(entry, { withFileTypes: true });
  } catch {
    return false;
  }
  return names.some((d) => (d.isDirectory() || d.name.endsWith('.ts')) && changedSince(path.join(entry, d.name), stamp));
}

/** True when `root`/dist was built after the last change to any of its TypeScript sources. */
function compiledIsCurrent(root) {
  const stamp = mtime(path.join(root, 'dist', 'BUILT'));
  return stamp !== undefined && !SOURCES.some((s) => changedSince(path.join(root, s), stamp));
}

module.exports = { compiledIsCurrent };
