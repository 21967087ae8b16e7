import { type InputKind, readInput } from '../read-input';
import type { Rollout } from '../model/rollout';
import { firstIssueError } from './issues';
import { toRollout } from './normalize';
import { configSchema } from './schema';
import { parseYaml } from './yaml';

/** Reads, validates and normalizes a keyshare config file (YAML or JSON); `flag` names it in messages. Throws InputError. */
export function loadRollout(file: string, flag = '--config'): Rollout {
  return parseRollout(readConfig(file, flag), file);
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

/** Reads a YAML or JSON input file of any kind and parses it (YAML 1.2, as the config). */
export function loadYaml(kind: InputKind, flag: string, file: string): unknown {
  return parseYaml(readInput(kind, flag, file), `${flag} ${file}`);
}

function readConfig(file: string, flag: string): string {
  return readInput('config', flag, file);
}
export {
  accountId,
  amiId,
  deletionWindowDays,
  existingKeyArn,
  keyAlias,
  keyDescription,
  organizationArnField,
  organizationId,
  ouPath,
  principalArn,
  region,
  roleName,
  serviceLinkedRoleSuffix,
  snapshotId,
} from './fields';
export { fieldPath, firstIssueError } from './issues';
export { rule, unpackRule } from './rule';
