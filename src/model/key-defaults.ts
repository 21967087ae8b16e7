import { aliasName } from '../policy/arns';

/**
 * The key's defaults, defined once. The KeyOwner construct applies them (its props document them
 * as `@default`); keyshare.yaml leaves the fields unset when the user does, and its JSON Schema
 * shows these values; generated Terraform modules read them here too.
 */
export const KEY_OWNER_DEFAULTS = {
  enableKeyRotation: true,
  deletionWindowInDays: 30,
} as const;

/** `alias` with or without its `alias/` prefix. */
export function defaultKeyDescription(alias: string): string {
  return `Encrypts the AMI snapshots that keyshare shares with consumer accounts (${aliasName(alias)})`;
}
