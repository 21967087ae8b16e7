/**
 * cdktf records, for every token it creates, the full stack of the code that created it (with
 * `Error.stackTraceLimit` raised to its maximum), only to print it if that token later fails to
 * resolve. keyshare creates about eleven tokens per consumer, each about thirty frames deep, and
 * formatting those frames took 12–20% of synth at 1,000 consumers. So tokens carry no creation
 * stack unless KEYSHARE_DEBUG is set; cdktf's resolve errors print them when they are there.
 * cdktf is pinned (0.21.0, deprecated upstream), so its private module path is stable.
 */
const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
const capture = stackTrace.captureStackTrace;
const none = (): string[] => [];

/** Turns cdktf's token creation stacks on or off for every token created from now on. */
export function recordTokenStackTraces(on: boolean): void {
  stackTrace.captureStackTrace = on ? capture : none;
}

/** The setting keyshare runs with: creation stacks only when debugging. */
export function recordTokenStackTracesIfDebugging(): void {
  recordTokenStackTraces(Boolean(process.env.KEYSHARE_DEBUG));
}
