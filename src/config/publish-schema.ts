import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchemaText } from './json-schema';

/** `npm run schema`: regenerates the published JSON Schema; a test fails while it is stale. */
export const PUBLISHED_SCHEMA = join(__dirname, '..', '..', 'schema', 'keyshare.schema.json');

if (require.main === module) writeFileSync(PUBLISHED_SCHEMA, configJsonSchemaText());
