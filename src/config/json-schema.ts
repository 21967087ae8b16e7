import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The published JSON Schema (schema/keyshare.schema.json) describes what users write, so it is
 * generated for zod's input side: fields with defaults are optional there.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
