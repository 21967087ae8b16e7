import { InputError } from '../errors';
import type { LeavingConsumer, Rollout } from '../model/rollout';
import { previousGenerated, previousGeneratedFiles } from '../output';
import { ACCOUNT_ID_SOURCE } from '../policy/formats';
import { consumerStackName } from '../stacks/consumer-stack';
import { leavingAccounts, placementOf, withLeaving } from '../stacks/tombstone-stack';

/** A consumer stack's files in synth's output: its Terraform JSON, or beside `--hcl` output cdktf's metadata.json. */
const CONSUMER_STACK_FILE = new RegExp(`^stacks/consumer-(${ACCOUNT_ID_SOURCE})/(cdk\\.tf\\.json|metadata\\.json)$`);

/**
 * Every consumer stack the previous output in `outdir` holds, a tombstone or not, by account: where it
 * deploys, read back from the files keyshare wrote (unedited: `checkOutputDir` refused an edited one),
 * or undefined when they are not the shape this keyshare writes.
 */
export function previousConsumerStacks(outdir: string): Map<string, LeavingConsumer | undefined> {
  const files = new Map<string, string[]>();
  for (const rel of previousGeneratedFiles(outdir)) {
    const m = CONSUMER_STACK_FILE.exec(rel);
    if (m) files.set(m[1], [...(files.get(m[1]) ?? []), rel]);
  }
  // cdk.tf.json sorts before metadata.json: the JSON stack itself when there is one.
  const placement = (account: string, rels: string[]) =>
    rels
      .sort()
      .map((rel) => previousGenerated(outdir, rel))
      .map((text) => (text === undefined ? undefined : placementOf(account, parse(text))))
      .find((p) => p !== undefined);
  return new Map([...files].map(([account, rels]) => [account, placement(account, rels)]));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The rollout synth writes: `rollout` with a tombstone for each consumer stack of the previous output
 * the config no longer lists, but those `--forget` names. Forgetting anything else is refused, and so
 * is a leaving stack this keyshare cannot read: a stack whose state may hold resources is never
 * dropped without the user saying so.
 */
export function rolloutWithTombstones(
  outdir: string,
  rollout: Rollout,
  previous: ReadonlyMap<string, LeavingConsumer | undefined>,
  forget: readonly string[],
): Rollout {
  const leaving = new Set(leavingAccounts(rollout, [...previous.keys()]));
  for (const account of forget) {
    if (!leaving.has(account)) {
      throw new InputError(
        '--forget',
        account,
        'is not a removed consumer whose tombstone stack the previous output holds',
        "give an account synth's summary listed as removed, once its tombstone's apply destroyed what its stack held",
      );
    }
  }
  const kept = [...leaving].filter((account) => !forget.includes(account));
  return withLeaving(
    rollout,
    kept.map((account) => {
      const placement = previous.get(account);
      if (placement) return placement;
      throw new InputError(
        '--out',
        `${outdir}/stacks/${consumerStackName(account)}`,
        "holds the stack of a removed consumer whose provider and backend this keyshare cannot read, so it cannot write that stack's tombstone",
        `destroy that stack with the keyshare that wrote it (or terraform destroy in that directory), then run synth again with --forget ${account}`,
      );
    }),
  );
}
