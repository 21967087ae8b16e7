import { ADMINISTRATION_PROBES, CRYPTOGRAPHIC_OPERATIONS, kmsAction } from '../policy/actions';
import { CREATE_GRANT_ANY, CREATE_GRANT_FOR_AWS_RESOURCE, CREATE_GRANT_OWN_ROLE, UNKNOWN_ON_KEY } from './access';
import { accessClasses } from './classes';
import type { PrincipalAccess } from './report';

/** Past this many classes of principals the diagram groups the rest into one node, so GitHub still renders it. */
export const DIAGRAM_MAX_NODES = 25;

/** The administration and cryptographic use the policy vocabulary names, as the access diff spells actions. */
const ADMINISTRATION = ADMINISTRATION_PROBES.map(kmsAction);
const CRYPTOGRAPHIC_USE = CRYPTOGRAPHIC_OPERATIONS.map(kmsAction);

/** What an edge says: the kinds of access, most powerful first. */
export function accessSummary(after: readonly string[]): string {
  const has = (a: string) => after.includes(a);
  const parts: string[] = [];
  if (ADMINISTRATION.some(has)) parts.push('administer');
  if (CRYPTOGRAPHIC_USE.some(has)) parts.push('use');
  // An action named with its Unknown (the key's type is not in the plans) is use only if the key allows it.
  else if (CRYPTOGRAPHIC_USE.some((a) => has(`${a} ${UNKNOWN_ON_KEY.type}`))) parts.push('use, if the key type allows it (Unknown)');
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

/**
 * Who can use the key after the change, as the comment's Mermaid flowchart lays it out
 * (`templates/review.md.hbs`, which escapes every label): one node per class of principals
 * (accessClasses), widest first.
 */
export interface KeyDiagram {
  /**
   * One edge per class: its label, the kinds of access it holds after the change (empty when it
   * loses all of it), and what it gains and loses, which the template marks green and red.
   */
  readonly edges: readonly { readonly who: string; readonly access: string; readonly gains?: string; readonly loses?: string }[];
  /** Classes past `DIAGRAM_MAX_NODES`, grouped into one node. */
  readonly more: number;
}

/** The diagram of who can use the key after the change, or of who lost it; undefined when no one is in it. */
export function keyDiagram(access: readonly PrincipalAccess[]): KeyDiagram | undefined {
  const classes = accessClasses(access).filter((c) => c.after.length > 0 || c.lost.length > 0);
  if (classes.length === 0) return undefined;
  const shown = classes.length > DIAGRAM_MAX_NODES ? classes.slice(0, DIAGRAM_MAX_NODES - 1) : classes;
  return {
    edges: shown.map((c) => ({
      who: c.label,
      access: c.after.length > 0 ? accessSummary(c.after) : '',
      ...(c.gained.length > 0 && { gains: accessSummary(c.gained) }),
      ...(c.lost.length > 0 && { loses: accessSummary(c.lost) }),
    })),
    more: classes.length - shown.length,
  };
}
