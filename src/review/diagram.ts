import { ADMINISTRATION_PROBES, CRYPTOGRAPHIC_OPERATIONS, kmsAction } from '../policy/actions';
import { CREATE_GRANT_ANY, CREATE_GRANT_FOR_AWS_RESOURCE, CREATE_GRANT_OWN_ROLE } from './access';
import type { PrincipalAccess } from './report';

/** Past this many principals the diagram groups the rest into one node, so GitHub still renders it. */
export const DIAGRAM_MAX_NODES = 25;

/** The administration and cryptographic use the policy vocabulary names, as the access diff spells actions. */
const ADMINISTRATION = ADMINISTRATION_PROBES.map(kmsAction);
const CRYPTOGRAPHIC_USE = CRYPTOGRAPHIC_OPERATIONS.map(kmsAction);

/** What an edge says: the kinds of access, most powerful first. */
function summary(after: readonly string[]): string {
  const has = (a: string) => after.includes(a);
  const parts: string[] = [];
  if (ADMINISTRATION.some(has)) parts.push('administer');
  if (CRYPTOGRAPHIC_USE.some(has)) parts.push('use');
  if (has(CREATE_GRANT_ANY)) parts.push('grant to anyone');
  else if (has(CREATE_GRANT_OWN_ROLE)) parts.push('grant to its Auto Scaling role');
  if (has(CREATE_GRANT_FOR_AWS_RESOURCE) && !has(CREATE_GRANT_ANY)) parts.push('grant for EBS volumes');
  if (parts.length === 0)
    parts.push(
      after
        .map((a) => a.replace(/^kms:/, ''))
        .slice(0, 3)
        .join(', ') + (after.length > 3 ? ', …' : ''),
    );
  return parts.join(', ');
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** A Mermaid flowchart of who can use the key after the change; GitHub renders it in a comment. */
export function keyDiagram(key: string, access: readonly PrincipalAccess[]): string | undefined {
  const users = access.filter((a) => a.after.length > 0);
  if (users.length === 0) return undefined;
  const lines = ['flowchart LR', `  key[(${quote(`KMS key ${key}`)})]`];
  const shown = users.length > DIAGRAM_MAX_NODES ? users.slice(0, DIAGRAM_MAX_NODES - 1) : users;
  shown.forEach((a, i) => lines.push(`  p${i}[${quote(a.who.label)}] -->|${quote(summary(a.after))}| key`));
  if (shown.length < users.length) lines.push(`  more[${quote(`… and ${users.length - shown.length} more (see the access table)`)}] --> key`);
  return lines.join('\n');
}
