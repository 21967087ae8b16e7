import * as path from 'path';

/**
 * The project directory, whether this runs from the sources (`src/`) or from the compiled CLI
 * (`dist/src/`, built by `npm ci`): files read at run time, such as templates/, live only there.
 */
export const PROJECT_ROOT = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === 'dist' ? '../..' : '..');
