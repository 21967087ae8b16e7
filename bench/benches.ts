/** Further CLI jobs to time end to end on the bench's largest rollout, with their targets. */
export interface Bench {
  /** The CLI words; `--config <bench rollout>` is appended. */
  readonly cli: readonly string[];
  /** Wall time to stay under, in milliseconds. @default none */
  readonly targetMs?: number;
}

export const BENCHES: Bench[] = [{ cli: ['check'], targetMs: 1000 }];
