import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reviewReportJsonSchemaText } from './report';

/** `npm run schema` regenerates the review report's JSON Schema too; a test fails while it is stale. */
export const PUBLISHED_REVIEW_SCHEMA = join(__dirname, '..', '..', 'schema', 'review-report.schema.json');

if (require.main === module) writeFileSync(PUBLISHED_REVIEW_SCHEMA, reviewReportJsonSchemaText());
