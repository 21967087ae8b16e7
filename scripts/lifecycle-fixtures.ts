/**
 * Regenerates review's real-plan fixtures, __tests__/fixtures/lifecycle/<step>/<stack>.plan.json:
 * the `terraform show -json` plans of the real AWS provider (from $KEYSHARE_TF_PLUGIN_DIR) against
 * the tests' AWS endpoint, for each change in PLAN_FIXTURE_STEPS, each plan then applied as saved.
 * The endpoint's address and the stand-in credentials are replaced by fixed values; key and grant IDs
 * are whatever this run made. __tests__/e2e/plan-fixtures.test.ts holds them to keyshare's current output.
 *
 *   npx tsx scripts/lifecycle-fixtures.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { Lifecycle } from '../__tests__/support/lifecycle';
import { lifecycleConfig, PLAN_FIXTURE_STEPS } from '../__tests__/support/lifecycle-steps';

const OUT = path.join(__dirname, '../__tests__/fixtures/lifecycle');

async function main(): Promise<void> {
  const lifecycle = await Lifecycle.start();
  try {
    fs.rmSync(OUT, { recursive: true, force: true });
    for (const step of PLAN_FIXTURE_STEPS) {
      let synthesized = false;
      for (const { stack, destroy } of step.stacks) {
        // Synthesized once a step, before its first plan that is not a destroy (a removed consumer's is its tombstone's).
        if (!destroy && !synthesized) {
          await lifecycle.synth(lifecycleConfig(step.after));
          synthesized = true;
        }
        const { plan } = await lifecycle.planApply(stack, { destroy });
        const file = path.join(OUT, step.name, `${stack}.plan.json`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${lifecycle.redact(JSON.stringify(plan, null, 1))}\n`);
        process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
      }
    }
  } finally {
    await lifecycle.stop();
    fs.rmSync(lifecycle.dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
