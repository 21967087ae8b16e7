import { checkRollout } from '../src/check/check';
import type { Rollout } from '../src/model/rollout';

/** Further in-process jobs to time, each with the CLI words that run it end to end. */
export interface Bench {
  readonly name: string;
  readonly run: (rollout: Rollout) => unknown;
  readonly cli?: readonly string[];
}

export const BENCHES: Bench[] = [{ name: 'check', run: checkRollout, cli: ['check'] }];
