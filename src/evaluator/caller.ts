import { InputError } from '../errors';
import {
  accountRootArn,
  DEFAULT_PARTITION,
  KmsArnParts,
  parseArn,
  parseKmsArn,
  type Partition,
  roleArn,
  SERVICE_LINKED_ROLE_RESOURCE_PREFIX,
} from '../policy/arns';
import { ACCOUNT_ID } from '../policy/formats';

/**
 * Who makes a request, parsed once per distinct principal string.
 * ARN shapes: IAM User Guide, "IAM identifiers" (ARNs of users, roles, assumed-role sessions).
 */
export interface Caller {
  readonly arn: string;
  readonly kind: 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user' | 'service';
  /** Undefined for a service principal, which belongs to no account. */
  readonly account?: string;
  /** Lower-case role name for roles and their sessions: roles match by account and name. */
  readonly roleName?: string;
  /** `<account>:<lower-case role name>`, the key principal matchers index roles by. */
  readonly roleKey?: string;
  /** `aws:PrincipalArn`: for an assumed-role session, the role's ARN (IAM User Guide, "AWS global condition context keys"). */
  readonly principalArn: string;
  readonly userName?: string;
  /** `arn:aws:iam::<acct>:role/aws-service-role/...`: SCPs never restrict these (Organizations User Guide, "Service control policies"). */
  readonly serviceLinked: boolean;
}

const SERVICE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/** Per partition, then per principal string: no cache key is built per request. */
const parsed = new Map<Partition, Map<string, Caller>>();

/** `partition`: the key's, in which a bare account ID is read. */
export function parseCaller(principal: string, partition: Partition = DEFAULT_PARTITION): Caller {
  let callers = parsed.get(partition);
  if (!callers) parsed.set(partition, (callers = new Map()));
  let caller = callers.get(principal);
  if (!caller) {
    caller = parse(principal, partition);
    callers.set(principal, caller);
  }
  return caller;
}

function parse(principal: string, keyPartition: Partition): Caller {
  if (ACCOUNT_ID.test(principal)) {
    const arn = accountRootArn(keyPartition, principal);
    return { arn, kind: 'root', account: principal, principalArn: arn, serviceLinked: false };
  }
  if (SERVICE.test(principal)) {
    return { arn: principal, kind: 'service', principalArn: principal, serviceLinked: false };
  }
  const p = parseArn(principal);
  if (p && (p.service === 'iam' || p.service === 'sts') && p.region === '' && p.account !== '') {
    const { partition, service, account, resource } = p;
    const slash = resource.indexOf('/');
    const type = slash < 0 ? resource : resource.slice(0, slash);
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    if (service === 'iam' && resource === 'root') {
      return { arn: principal, kind: 'root', account, principalArn: principal, serviceLinked: false };
    }
    if (service === 'iam' && type === 'user' && slash > 0) {
      return { arn: principal, kind: 'user', account, principalArn: principal, userName: name, serviceLinked: false };
    }
    if (service === 'iam' && type === 'role' && slash > 0) {
      return {
        arn: principal,
        kind: 'role',
        account,
        roleName: name.toLowerCase(),
        roleKey: `${account}:${name.toLowerCase()}`,
        principalArn: principal,
        serviceLinked: resource.startsWith(SERVICE_LINKED_ROLE_RESOURCE_PREFIX),
      };
    }
    if (service === 'sts' && type === 'assumed-role') {
      const parts = resource.split('/');
      if (parts.length === 3 && parts[1] && parts[2]) {
        return {
          arn: principal,
          kind: 'assumed-role',
          account,
          roleName: parts[1].toLowerCase(),
          roleKey: `${account}:${parts[1].toLowerCase()}`,
          // The session ARN does not carry the role's path; a caller who knows it passes aws:PrincipalArn.
          principalArn: roleArn(partition, account, parts[1]),
          serviceLinked: false,
        };
      }
    }
    if (service === 'sts' && type === 'federated-user' && slash > 0) {
      return { arn: principal, kind: 'federated-user', account, principalArn: principal, serviceLinked: false };
    }
  }
  throw new InputError(
    'principal',
    principal,
    'is not an IAM principal KMS can authorize',
    'give an account root ARN (arn:aws:iam::111122223333:root), a user or role ARN, an assumed-role session ARN (arn:aws:sts::111122223333:assumed-role/Role/session) or a service principal',
  );
}

/** check asks about one key thousands of times: the last key's parts are kept. */
let lastKey: { readonly arn: string; readonly parts: KmsArnParts } | undefined;

/** The key ARN's parts; its account decides same vs cross account, its partition how a bare account ID reads. */
export function keyArnParts(keyArn: string): KmsArnParts {
  if (lastKey?.arn === keyArn) return lastKey.parts;
  const parts = parseKmsArn(keyArn);
  if (!parts?.resource.startsWith('key/')) {
    throw new InputError(
      'keyArn',
      keyArn,
      'is not a KMS key ARN',
      'give the full key ARN, e.g. arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
  }
  lastKey = { arn: keyArn, parts };
  return parts;
}
