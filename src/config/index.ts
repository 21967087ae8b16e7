import { readInput } from '../read-input';
import type { Rollout } from '../model/rollout';
import { firstIssueError } from './issues';
import { toRollout } from './normalize';
import { configSchema } from './schema';
import { parseYaml } from './yaml';

/** Reads, validates and normalizes a keyshare config file (YAML or JSON). Throws InputError. */
export function loadRollout(file: string): Rollout {
  return parseRollout(readConfig(file), file);
}

/**
 * Validates and normalizes config text. YAML 1.2 is a superset of JSON, so one parser reads
 * both whatever the file is called. `sourceName` names the input in messages.
 */
export function parseRollout(text: string, sourceName: string): Rollout {
  const result = configSchema.safeParse(parseYaml(text, sourceName), { reportInput: true });
  if (!result.success) throw firstIssueError(result.error.issues, sourceName);
  return toRollout(result.data);
}

function readConfig(file: string): string {
  return readInput('config', '--config', file);
}
export {
  accountId,
  amiId,
  deletionWindowDays,
  existingKeyArn,
  keyAlias,
  keyDescription,
  organizationArn,
  organizationId,
  ouPath,
  principalArn,
  region,
  roleName,
  serviceLinkedRoleSuffix,
  snapshotId,
} from './fields';
export { fieldPath, firstIssueError } from './issues';
export { unpackRule } from './rule';
