import * as path from 'path';
import * as fs from 'fs';

/**
 * The project directory, whether this runs from the sources (`src/`) or from the compiled CLI
 * (`dist/src/`, built by `npm ci`): files read at run time, such as templates/, live only there.
 */
export const PROJECT_ROOT = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === 'dist' ? '../..' : '..');

/** keyshare's own version, from its package.json: `keyshare --version`, and what generated workflows install. */
export const KEYSHARE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
