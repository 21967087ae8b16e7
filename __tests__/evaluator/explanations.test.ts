/** What `doctor` and `explain` print: the trace and the missing sentences, and bad input. */
import { authorize } from '../../src/evaluator';
import { InputError } from '../../src/errors';
import { ALLOW_ALL_KMS, decide, doc, KEY, OTHER, OWNER, ROOT_DELEGATION, SLR } from './helpers';

const DEPLOY = `arn:aws:sts::${OTHER}:assumed-role/deploy/terraform`;

/** The classic broken setup: the console's "attachment of persistent resources" statement used for a grant a person creates. */
const consoleKeyPolicy = doc(ROOT_DELEGATION, {
  Sid: 'Allow attachment of persistent resources in external account',
  Effect: 'Allow',
  Principal: { AWS: [`arn:aws:iam::${OTHER}:root`] },
  Action: ['kms:CreateGrant'],
  Resource: '*',
  Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
});

describe('missing: what was missing, naming statements and failing conditions', () => {
  it('names the statement that almost allowed and the condition that failed', () => {
    const result = decide({ keyPolicy: consoleKeyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, DEPLOY, 'kms:CreateGrant', {
      context: { 'kms:GrantIsForAWSResource': false, 'kms:GranteePrincipal': SLR, 'kms:GrantOperations': ['Decrypt'] },
    });
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toEqual([
      `the key policy has no statement that allows account ${OTHER} or ${DEPLOY} kms:CreateGrant; IAM policy statement Statement[0] of the caller allows it, which is not enough across accounts`,
      'key policy statement Allow attachment of persistent resources in external account matches except condition kms:GrantIsForAWSResource (Bool): expected true, request has false',
    ]);
    expect(result.trace).toEqual([{ source: 'identity-policy', id: 'Statement[0]', effect: 'Allow', detail: 'IAM policy: allows kms:CreateGrant' }]);
  });

  it('names the IAM statement whose condition failed when the key policy is fine', () => {
    const keyPolicy = doc(ROOT_DELEGATION, {
      Sid: 'Consumer',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    const viaEc2 = doc({
      Sid: 'ViaEc2',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } },
    });
    const result = decide(
      { keyPolicy, identityPolicies: [doc({ Sid: 'Other', Effect: 'Allow', Action: 's3:*', Resource: '*' }), viaEc2] },
      DEPLOY,
      'kms:Decrypt',
    );
    expect(result.missing).toEqual([
      `the key policy allows account ${OTHER} (statement Consumer) but no IAM policy of the caller allows kms:Decrypt; across accounts both are required`,
      'IAM policy 2 of 2 statement ViaEc2 matches except condition kms:ViaService (StringEquals): expected ec2.us-west-2.amazonaws.com, request has no value',
    ]);
    expect(result.trace).toEqual([
      { source: 'key-policy', id: 'Consumer', effect: 'Allow', detail: `allows account ${OTHER} kms:Decrypt, delegating to its IAM policies` },
    ]);
  });

  it('names a key policy statement for the caller account that names someone else', () => {
    const keyPolicy = doc(ROOT_DELEGATION, {
      Sid: 'OnlyCarol',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:user/carol` },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, DEPLOY, 'kms:Decrypt');
    expect(result.missing).toContain(
      `key policy statement OnlyCarol matches except its Principal names arn:aws:iam::${OTHER}:user/carol, not ${DEPLOY} or its account`,
    );
  });
});

describe('trace', () => {
  it('an allowed cross-account request shows the key policy statement and the IAM statement', () => {
    const keyPolicy = doc(ROOT_DELEGATION, {
      Sid: 'Consumer',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    const identity = [
      doc({ Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      doc({ Sid: 'UseKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }),
    ];
    expect(decide({ keyPolicy, identityPolicies: identity }, DEPLOY, 'kms:Decrypt').trace).toEqual([
      { source: 'key-policy', id: 'Consumer', effect: 'Allow', detail: `allows account ${OTHER} kms:Decrypt, delegating to its IAM policies` },
      { source: 'identity-policy', id: 'UseKey', effect: 'Allow', detail: 'IAM policy 2 of 2: allows kms:Decrypt' },
    ]);
  });

  it('an explicit deny lists the deny first, by Sid, or Statement[i] without one', () => {
    const keyPolicy = doc(
      { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
    );
    const result = decide({ keyPolicy }, `arn:aws:iam::${OWNER}:user/alice`, 'kms:Decrypt');
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.trace[0]).toEqual({ source: 'key-policy', id: 'Statement[1]', effect: 'Deny', detail: 'denies kms:Decrypt' });
  });

  it('is the same for the same input, call after call', () => {
    const inputs = { keyArn: KEY, keyPolicy: consoleKeyPolicy, identityPolicies: [ALLOW_ALL_KMS] };
    const request = { principal: DEPLOY, action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': false } };
    expect(JSON.stringify(authorize(inputs, request))).toBe(JSON.stringify(authorize(inputs, request)));
  });
});

describe('bad input is an InputError naming the field', () => {
  const keyPolicy = doc(ROOT_DELEGATION);
  it.each<[string, () => unknown, RegExp]>([
    [
      'principal',
      () => decide({ keyPolicy }, 'alice', 'kms:Decrypt'),
      /^principal: is not an IAM principal KMS can authorize \(got "alice"\)\. Fix: /,
    ],
    ['principal', () => decide({ keyPolicy }, `arn:aws:iam::${OWNER}:group/admins`, 'kms:Decrypt'), /^principal: /],
    ['action', () => decide({ keyPolicy }, `arn:aws:iam::${OWNER}:user/a`, 'kms:Decrypts'), /^action: is not an AWS KMS action/],
    [
      'keyArn',
      () => authorize({ keyArn: 'alias/golden-ami', keyPolicy }, { principal: `arn:aws:iam::${OWNER}:user/a`, action: 'kms:Decrypt' }),
      /^keyArn: is not a KMS key ARN/,
    ],
    [
      'keyPolicy',
      () => authorize({ keyArn: KEY, keyPolicy: {} as never }, { principal: `arn:aws:iam::${OWNER}:user/a`, action: 'kms:Decrypt' }),
      /^keyPolicy: is not a policy document/,
    ],
    [
      'Effect',
      () => decide({ keyPolicy: doc({ Effect: 'allow' as never, Principal: '*', Action: '*' }) }, `arn:aws:iam::${OWNER}:user/a`, 'kms:Decrypt'),
      /^keyPolicy\.Statement\[0\]\.Effect: must be "Allow" or "Deny"/,
    ],
    [
      'Action',
      () => decide({ keyPolicy: doc({ Effect: 'Allow', Principal: '*', Action: 7 as never }) }, `arn:aws:iam::${OWNER}:user/a`, 'kms:Decrypt'),
      /^keyPolicy\.Statement\[0\]\.Action: must be a string or a list of strings \(got 7\)/,
    ],
    [
      'Principal',
      () => decide({ keyPolicy: doc({ Effect: 'Allow', Principal: ['x'] as never, Action: '*' }) }, `arn:aws:iam::${OWNER}:user/a`, 'kms:Decrypt'),
      /^keyPolicy\.Statement\[0\]\.Principal: must be "\*" or an object/,
    ],
    [
      'Condition',
      () =>
        decide(
          { keyPolicy: doc({ Effect: 'Allow', Principal: '*', Action: '*', Condition: { Bool: { 'aws:SecureTransport': { x: 1 } as never } } }) },
          `arn:aws:iam::${OWNER}:user/a`,
          'kms:Decrypt',
        ),
      /^keyPolicy\.Statement\[0\]\.Condition\.Bool\.aws:SecureTransport: must be a string, boolean or number/,
    ],
  ])('%s', (field, run, message) => {
    expect(run).toThrow(InputError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as InputError).field).toMatch(new RegExp(field));
    }
  });
});
