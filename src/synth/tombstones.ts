import { InputError } from '../errors';
import type { LeavingConsumer, Rollout } from '../model/rollout';
import { previousGenerated, previousGeneratedFiles } from '../output';
import { ACCOUNT_ID_SOURCE } from '../policy/formats';
import { placementOf, withLeaving } from '../stacks/tombstone-stack';

/** A consumer stack's files in synth's output: its Terraform JSON, or beside `--hcl` output cdktf's metadata.json. */
const CONSUMER_STACK_FILE = new RegExp(`^stacks/consumer-(${ACCOUNT_ID_SOURCE})/(cdk\\.tf\\.json|metadata\\.json)$`);

/**
 * Every consumer stack the previous output in `outdir` holds, a tombstone or not, where it deploys,
 * read back from the files keyshare wrote (unedited: `checkOutputDir` refused an edited one).
 */
export function previousConsumerStacks(outdir: string): LeavingConsumer[] {
  const files = new Map<string, string[]>();
  for (const rel of previousGeneratedFiles(outdir)) {
    const m = CONSUMER_STACK_FILE.exec(rel);
    if (m) files.set(m[1], [...(files.get(m[1]) ?? []), rel]);
  }
  return [...files].map(([account, rels]) => {
    // cdk.tf.json sorts before metadata.json: the JSON stack itself when there is one.
    for (const rel of rels.sort()) {
      const text = previousGenerated(outdir, rel);
      const placement = text === undefined ? undefined : placementOf(account, parse(text));
      if (placement) return placement;
    }
    throw new InputError(
      '--out',
      `${outdir}/stacks/consumer-${account}`,
      "holds a consumer stack whose provider and backend this keyshare cannot read, so it cannot write that stack's tombstone",
      'synthesize with the keyshare that wrote it, or destroy that stack yourself (terraform destroy in that directory) and remove the directory, then run synth again',
    );
  });
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
 * the config no longer lists, but those `--forget` names. Forgetting anything else is refused: a
 * stack whose state may hold resources is never dropped without the user saying so.
 */
export function rolloutWithTombstones(rollout: Rollout, previous: readonly LeavingConsumer[], forget: readonly string[]): Rollout {
  const leaving = new Set((withLeaving(rollout, previous).leaving ?? []).map((l) => l.account));
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
  return withLeaving(
    rollout,
    previous.filter((p) => !forget.includes(p.account)),
  );
}
