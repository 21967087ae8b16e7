// ESLint for keyshare: `npm run lint`, the first step of `npm test`.
// typescript-eslint's non-type-aware rules only, so linting stays fast; tsc does the type checking.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/**
 * Folders import one way, from a later entry to an earlier one, never back (docs/ARCHITECTURE.md):
 *
 *   src/policy          the domain vocabulary: ARNs, Sids, action lists, statement builders, rules. The leaf: imports nothing from src/.
 *   src/errors.ts       InputError and FindingsError
 *   src/read-input.ts   the one reader of every input file
 *   src/project-root.ts where templates/ and other run-time files are, from src/ or dist/src/
 *   src/output          the output directory: manifest, lock, atomic swap
 *   src/model           the validated Rollout
 *   src/terraform       Terraform expressions and HCL quoting
 *   src/evaluator       the KMS authorization evaluator
 *   src/config          keyshare.yaml to Rollout
 *   src/inputs          AWS CLI output to evaluator inputs
 *   src/launch          the launch path and its evaluation
 *   src/check           proof of a rollout, least-privilege probes, lints
 *   src/doctor          diagnosis of an existing setup
 *   modules             the constructs
 *   src/stacks          one stack per account
 *   src/review          plan review
 *   src/templates       the one Handlebars engine, its helpers, markdown escaping and authorization results in words
 *   src/tfmodules       the plain Terraform modules, rendered through the engine
 *   src/render          the renderers of the results of the folders above (check, doctor, explain, review, modules)
 *   src/synth           synth, with its summary: it refuses with check's report, so it sits above src/render
 *   src/generate        generate, with its summary: it proves through src/synth and copies src/tfmodules
 *   src/cli             parses flags, calls the layers above and prints what they render
 *   main.ts             the cdktf app entry
 *
 * A new folder goes where what it imports is above it and what imports it is below it.
 */
const LAYERS = [
  ['./src/policy'],
  ['./src/errors.ts'],
  ['./src/read-input.ts'],
  ['./src/project-root.ts'],
  ['./src/output'],
  ['./src/model'],
  ['./src/terraform'],
  ['./src/evaluator'],
  ['./src/config'],
  ['./src/inputs'],
  ['./src/launch'],
  ['./src/check'],
  ['./src/doctor'],
  ['./modules'],
  ['./src/stacks'],
  ['./src/review'],
  ['./src/templates'],
  ['./src/tfmodules'],
  ['./src/render'],
  ['./src/synth'],
  ['./src/generate'],
  ['./src/cli'],
  ['./main.ts'],
];

const layerZones = LAYERS.slice(0, -1).flatMap((group, i) =>
  group.map((target) => ({
    target,
    from: LAYERS.slice(i + 1).flat(),
    message: `${target} sits below these folders (see the order in eslint.config.mjs): move the shared definition down instead.`,
  })),
);

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
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // The leaf: nothing from the rest of src/, whatever the layer list says.
            { target: './src/policy', from: './src', except: ['./policy'], message: 'src/policy is the leaf: it imports nothing else from src/.' },
            ...layerZones,
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
