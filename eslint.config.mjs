// ESLint for keyshare: `npm run lint`, the first step of `npm test`.
// typescript-eslint's non-type-aware rules only, so linting stays fast; tsc does the type checking.
import * as fs from 'node:fs';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/**
 * Which folder may import which: the "may import" column of docs/ARCHITECTURE.md's table, written
 * once, here, as data (__tests__/architecture/may-import.test.ts holds the two equal). Every rule
 * below is derived from it. A folder imports only what its row names; import circles, type-only imports
 * included, are __tests__/architecture/no-cycles.test.ts's (import-x/no-cycle did the same job for
 * value imports only, at three quarters of the lint's time).
 * A new folder gets a row here and in ARCHITECTURE.md.
 */
export const MAY_IMPORT = {
  policy: [],
  errors: [],
  'read-input': ['errors'],
  'project-root': [],
  output: ['errors'],
  model: ['policy'],
  terraform: ['policy', 'errors'],
  evaluator: ['policy', 'errors'],
  config: ['policy', 'model', 'read-input', 'errors'],
  inputs: ['policy', 'config', 'evaluator', 'read-input', 'errors'],
  launch: ['policy', 'evaluator'],
  check: ['policy', 'model', 'evaluator', 'launch'],
  doctor: ['policy', 'evaluator', 'launch', 'inputs', 'check'],
  modules: ['policy', 'errors', 'model', 'config', 'terraform'],
  stacks: ['modules', 'model', 'policy', 'terraform'],
  review: ['policy', 'model', 'config', 'evaluator', 'launch', 'check', 'inputs', 'stacks', 'errors', 'read-input'],
  audit: ['policy', 'model', 'inputs', 'launch', 'doctor', 'stacks', 'review', 'terraform'],
  templates: ['evaluator', 'terraform', 'errors', 'project-root'],
  'terraform-modules': ['policy', 'model', 'terraform', 'templates'],
  render: ['policy', 'evaluator', 'launch', 'check', 'doctor', 'review', 'audit', 'output', 'templates', 'errors'],
  synth: ['stacks', 'check', 'model', 'policy', 'output', 'render', 'templates', 'errors'],
  generate: [
    'config',
    'model',
    'policy',
    'inputs',
    'review',
    'synth',
    'terraform-modules',
    'terraform',
    'templates',
    'render',
    'output',
    'read-input',
    'errors',
    'project-root',
  ],
  cli: [
    'policy',
    'errors',
    'output',
    'evaluator',
    'config',
    'inputs',
    'check',
    'doctor',
    'review',
    'audit',
    'terraform-modules',
    'render',
    'synth',
    'generate',
    'project-root',
  ],
  'main.ts': ['cli', 'config', 'stacks', 'synth'],
};

/** Where each name of the table is. */
const PATHS = {
  modules: './modules',
  'main.ts': './main.ts',
  errors: './src/errors.ts',
  'read-input': './src/read-input.ts',
  'project-root': './src/project-root.ts',
};
const pathOf = (name) => PATHS[name] ?? `./src/${name}`;
const NAMES = Object.keys(MAY_IMPORT);

const mayImportZones = NAMES.filter((name) => NAMES.some((other) => other !== name && !MAY_IMPORT[name].includes(other))).map((name) => ({
  target: pathOf(name),
  from: NAMES.filter((other) => other !== name && !MAY_IMPORT[name].includes(other)).map(pathOf),
  message: `${name} may import only ${MAY_IMPORT[name].join(', ') || 'nothing else'} (docs/ARCHITECTURE.md, the may-import column; MAY_IMPORT in eslint.config.mjs): move the shared definition down instead.`,
}));

/**
 * Doors: a folder with an `index.ts` is entered through it. From outside, only its `index.ts` may
 * be imported, so what it exports is its API and the rest its internals (aws-cdk-lib's convention).
 */
const DOORS = NAMES.filter((name) => fs.existsSync(`${pathOf(name)}/index.ts`));
const doorZones = DOORS.map((door) => ({
  target: NAMES.filter((other) => other !== door).map(pathOf),
  from: pathOf(door),
  except: ['./index.ts'],
  message: `${door} is entered through its index.ts: import from there, and export what is missing from it.`,
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdktf.out/**', 'dist/**', 'bench/out/**', '**/*.d.ts', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // The leaf: nothing from the rest of src/, a folder not in the table included.
            { target: './src/policy', from: './src', except: ['./policy'], message: 'src/policy is the leaf: it imports nothing else from src/.' },
            ...mayImportZones,
            ...doorZones,
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message:
                "Import provider classes by deep path (e.g. '@cdktf/provider-aws/lib/kms-key'): the package root loads every AWS resource class.",
            },
          ],
        },
      ],
      // 150 columns; URLs (AWS citations), strings and template literals (one-line messages and their fixes) may run longer,
      // because breaking a message across concatenations hides it from grep and from the reader looking for its text.
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Commands load cdktf-heavy modules lazily with require(), typed as `typeof import(...)`, so that the others start without them.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests and benches may reach any folder; the cycle and deep-import rules still hold.
    files: ['__tests__/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': 'off',
      // Tests read the JSON that commands print and the Terraform JSON cdktf writes: untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
