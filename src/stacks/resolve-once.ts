import { IConstruct } from 'constructs';
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization } from 'cdktf';

// cdktf is pinned (0.21.0, deprecated upstream): its private merge and fields below are stable.
const { deepMerge } = require('cdktf/lib/util') as { deepMerge: (target: object, ...sources: object[]) => object };

interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly crossStackDataSources: Record<string, unknown>;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * What cdktf's `TerraformStack.toTerraform()` returns, with every token resolved once instead of
 * three times. cdktf resolves the whole stack in `prepareStack` (to find cross-stack references),
 * then each element's fragment, then the merged document again, and most of synth goes into those
 * walks. Here the fragments are merged first and the document is resolved once, in preparing mode,
 * so a cross-stack reference is still seen, and refused: keyshare's stacks live in different
 * accounts and never read each other's state. A test holds the result byte-identical to cdktf's.
 */
export function toTerraformResolvedOnce(stack: TerraformStack): Record<string, unknown> {
  const internals = stack as unknown as StackInternals;
  const elements = terraformElements(stack);
  const metadata = {
    version: stack.node.tryGetContext('cdktfVersion') as string,
    stackName: stack.node.id,
    backend: 'local', // overwritten by backend elements' metadata, as in cdktf
    ...(Object.keys(internals.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(internals.rawOverrides) } } : {}),
  };
  // cdktf resolves each element's metadata first, which drops a resource's `overrides: undefined`;
  // merged as is, that undefined would delete the stack's own overrides.
  for (const e of elements) deepMerge(metadata, definedEntries(e.toMetadata()));
  const outputs = {};
  for (const e of elements) {
    if (!TerraformOutput.isTerraformOutput(e)) continue;
    deepMerge(
      outputs,
      e.node.path.split('/').reduceRight<object>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? e.friendlyUniqueId : inner }), {}),
    );
  }
  const tf: object = { '//': { metadata, outputs } };
  for (const e of elements) deepMerge(tf, e.toTerraform());
  deepMerge(tf, internals.rawOverrides);
  const resolved = Tokenization.resolve(tf, { scope: stack, preparing: true, resolver: RESOLVER }) as Record<string, unknown>;
  const from = Object.keys(internals.crossStackDataSources);
  if (from.length > 0) {
    throw new Error(`stack ${stack.node.id} refers to resources of stack ${from.join(', ')}; keyshare's stacks must not read each other's state`);
  }
  return resolved;
}

function definedEntries(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
}

/** The stack's elements, not those of stacks nested in it, in construct order (as cdktf lists them). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}
