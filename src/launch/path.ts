import { AUTOSCALING_GRANT_OPERATIONS, AUTOSCALING_LAUNCH_OPERATIONS, CREATE_GRANT, EBS_VOLUME_GRANT_OPERATIONS, kmsAction } from '../policy/actions';
import { autoScalingRoleArn, Partition } from '../policy/arns';
import { CALLED_VIA, EBS_ENCRYPTION_CONTEXT_KEY, isCallerKnownKey, VIA_SERVICE } from '../policy/conditions';
import { ec2Service } from '../policy/consumer-policy';
import type { ContextEntry, KmsRequest } from '../policy/kms-api';
import { createGrantContext } from '../policy/grant';

/** Where a consumer's launch needs the key, as requests the evaluator must find allowed. */
export interface LaunchStep {
  /** Stable ID: `create-grant`, `use-through-grant:<Operation>`, `child-grant`, `same-account:<action>`. */
  readonly id: string;
  readonly title: string;
  readonly request: KmsRequest;
  /** What must allow it: the policies (key policy, and IAM across accounts), or the consumer's grant. */
  readonly through: 'policies' | 'grant';
}

/** Role name of the grant creator when none is known: doctor without --grant-creator, check without deployRoleArn. */
export const STAND_IN_GRANT_CREATOR_ROLE = 'grant-creator';

export interface LaunchPathTarget {
  readonly partition: Partition;
  readonly keyArn: string;
  /** The key's region; EC2 calls KMS there. */
  readonly region: string;
  readonly account: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** Who creates the grant in the consumer account. */
  readonly grantCreator: string;
  readonly sameAccount: boolean;
  /**
   * Facts about the account every request carries, such as `aws:PrincipalOrgID`. Only keys whose
   * value the caller alone knows (`isCallerKnownKey`) are taken: every other key is fixed by the
   * step's own request, e.g. a CreateGrant Terraform sends directly never has kms:ViaService.
   * @default none
   */
  readonly accountContext?: Readonly<Record<string, ContextEntry>>;
  /**
   * `kms:GrantOperations` of the grant creator's CreateGrant: the operations of the grant the user
   * has, or of the grant they would create. @default the Auto Scaling guide's eight
   */
  readonly grantOperations?: readonly string[];
}

/** The keys of `context` a launch step takes from the caller; the others the step's request fixes. */
export function callerFacts(context: Readonly<Record<string, ContextEntry>> | undefined): Record<string, ContextEntry> {
  return Object.fromEntries(Object.entries(context ?? {}).filter(([k]) => isCallerKnownKey(k)));
}

/**
 * The launch path (ARCHITECTURE.md): cross-account, 1. the grant creator's CreateGrant, 2. the
 * service-linked role's use through its grant, 3. EC2's child grant for the volume. Same account:
 * the role's use and attachment through the key policy, or through a grant ("The grantee
 * principal can be in the same account as the KMS key", KMS developer guide, "Grants in AWS KMS",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
 * Only the operations AWS documents as sufficient are required (AUTOSCALING_LAUNCH_OPERATIONS).
 */
export function launchPath(t: LaunchPathTarget): LaunchStep[] {
  const facts = callerFacts(t.accountContext);
  if (Object.keys(facts).length === 0) return stepsOf(t);
  return stepsOf(t).map((s) => ({ ...s, request: { ...s.request, context: { ...facts, ...s.request.context } } }));
}

/**
 * EBS's encryption context: "In its GenerateDataKeyWithoutPlaintext and Decrypt requests to AWS KMS,
 * Amazon EBS uses an encryption context with a name-value pair that identifies the volume or snapshot
 * in the request"; "For all volumes ... Amazon EBS uses the volume ID as encryption context value"
 * (KMS developer guide, "How Amazon Elastic Block Store (Amazon EBS) uses AWS KMS", Amazon EBS
 * encryption context, https://docs.aws.amazon.com/kms/latest/developerguide/services-ebs.html).
 * The volume a launch creates has no ID yet: its ID is unknown, and every value a policy or grant
 * tests is tried (`unknownEncryptionContext`). The same pair is taken for the ReEncrypt requests EBS
 * makes for the volume's data key.
 */
/** A well-formed volume ID no policy names: stands for the ID of the volume the launch creates. */
const LAUNCHED_VOLUME = 'vol-0keyshare0launch';

const EBS_ENCRYPTED = new Set(['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo']);

function ebsRequest(op: string): Pick<KmsRequest, 'encryptionContext' | 'unknownEncryptionContext'> {
  if (!EBS_ENCRYPTED.has(op)) return {};
  return { encryptionContext: { [EBS_ENCRYPTION_CONTEXT_KEY]: LAUNCHED_VOLUME }, unknownEncryptionContext: [EBS_ENCRYPTION_CONTEXT_KEY] };
}

/** A request Terraform or the CLI sends itself: no service calls on its behalf, so it carries no aws:CalledVia keys. */
const DIRECT: Readonly<Record<string, null>> = Object.fromEntries(CALLED_VIA.map((k) => [k, null]));

function stepsOf(t: LaunchPathTarget): LaunchStep[] {
  const role = autoScalingRoleArn(t.partition, t.account, t.serviceLinkedRoleSuffix);
  const viaEc2 = { [VIA_SERVICE]: ec2Service(t.region) };
  if (t.sameAccount) {
    return [
      ...AUTOSCALING_LAUNCH_OPERATIONS.filter((op) => op !== 'CreateGrant').map((op) => ({
        id: `same-account:${op}`,
        title: `${role} calls ${kmsAction(op)} (key policy)`,
        request: { principal: role, action: kmsAction(op), resource: t.keyArn, context: viaEc2, ...ebsRequest(op) },
        through: 'policies' as const,
      })),
      {
        id: 'same-account:CreateGrant',
        title: `EC2 creates a grant for the volume on behalf of ${role}`,
        // The same request as the cross-account child grant: a grant for the volume, through the role's grant if it has one.
        request: {
          principal: role,
          action: CREATE_GRANT,
          resource: t.keyArn,
          context: { ...viaEc2, ...createGrantContext(role, EBS_VOLUME_GRANT_OPERATIONS, true) },
        },
        through: 'policies',
      },
    ];
  }
  return [
    {
      id: 'create-grant',
      // Sent directly by Terraform or the CLI: no kms:ViaService (KMS developer guide, "AWS KMS condition
      // keys", kms:ViaService: present only when an AWS service makes the request on the caller's behalf,
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
      title: `${t.grantCreator} creates the grant for ${role}`,
      request: {
        principal: t.grantCreator,
        action: CREATE_GRANT,
        resource: t.keyArn,
        context: { ...DIRECT, ...createGrantContext(role, t.grantOperations ?? AUTOSCALING_GRANT_OPERATIONS) },
      },
      through: 'policies',
    },
    ...AUTOSCALING_LAUNCH_OPERATIONS.filter((op) => op !== 'CreateGrant').map((op) => ({
      id: `use-through-grant:${op}`,
      title: `${role} calls ${kmsAction(op)} through its grant`,
      request: { principal: role, action: kmsAction(op), resource: t.keyArn, context: viaEc2, ...ebsRequest(op) },
      through: 'grant' as const,
    })),
    {
      id: 'child-grant',
      title: `EC2 creates the volume's child grant through ${role}'s grant`,
      request: {
        principal: role,
        action: CREATE_GRANT,
        resource: t.keyArn,
        context: { ...viaEc2, ...createGrantContext(role, EBS_VOLUME_GRANT_OPERATIONS, true) },
      },
      through: 'grant',
    },
  ];
}
