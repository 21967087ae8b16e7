import { Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import { firstIssueError } from '../src/config';
import { InputError } from '../src/errors';

/**
 * Validates a construct's props with the rules keyshare.yaml applies to the same values
 * (src/config/fields.ts), so a construct user and a config user get the same one-line message with
 * the same fix, prefixed with the construct's path. Props that are unresolved tokens (known only at
 * apply time) are left to AWS.
 */
export function validateProps(construct: Construct, schema: z.ZodType, props: object): void {
  const concrete = Object.fromEntries(Object.entries(props).filter(([, value]) => !Token.isUnresolved(value)));
  const parsed = schema.safeParse(concrete, { reportInput: true });
  if (parsed.success) return;
  const err = firstIssueError(parsed.error.issues, 'props');
  throw new InputError(`${construct.node.path}: props.${err.field}`, err.value, err.problem, err.fix);
}
