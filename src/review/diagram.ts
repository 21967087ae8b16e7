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

/** Who can use the key after the change, as the comment's Mermaid flowchart lays it out (`templates/review.md.hbs`). */
export interface KeyDiagram {
  /** One edge per principal: its label and the kinds of access it holds. */
  readonly edges: readonly { readonly who: string; readonly access: string }[];
  /** Principals past `DIAGRAM_MAX_NODES`, grouped into one node. */
  readonly more: number;
}

/** The diagram of who can use the key after the change; the template escapes every label. */
export function keyDiagram(access: readonly PrincipalAccess[]): KeyDiagram | undefined {
  const users = access.filter((a) => a.after.length > 0);
  if (users.length === 0) return undefined;
  const shown = users.length > DIAGRAM_MAX_NODES ? users.slice(0, DIAGRAM_MAX_NODES - 1) : users;
  return { edges: shown.map((a) => ({ who: a.who.label, access: summary(a.after) })), more: users.length - shown.length };
}
