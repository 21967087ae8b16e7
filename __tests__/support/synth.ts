import { Testing } from 'cdktf';
import { OwnerStack } from '../../src/stacks/owner-stack';
import { ConsumerStack } from '../../src/stacks/consumer-stack';
import type { Rollout } from '../../src/model/rollout';

/** Synthesized stack as parsed Terraform JSON, plus the raw string for cdktf's matchers. */
export interface Synthesized {
  readonly raw: string;
  readonly json: any;
}

function synth(stack: OwnerStack | ConsumerStack): Synthesized {
  const raw = Testing.synth(stack, true);
  return { raw, json: JSON.parse(raw) };
}

export function synthOwner(rollout: Rollout): Synthesized {
  return synth(new OwnerStack(Testing.app(), rollout));
}

export function synthConsumer(rollout: Rollout, account: string): Synthesized {
  const consumer = rollout.consumers.find((c) => c.account === account);
  if (!consumer) throw new Error(`no consumer ${account} in the test rollout`);
  return synth(new ConsumerStack(Testing.app(), rollout, consumer));
}

/** All resources of one type, by logical ID. */
export function resources(s: Synthesized, type: string): any[] {
  return Object.values(s.json.resource?.[type] ?? {});
}
