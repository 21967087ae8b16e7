/**
 * Condition keys keyshare writes or reasons about.
 * AWS KMS condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 * Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export const GRANT_IS_FOR_AWS_RESOURCE = 'kms:GrantIsForAWSResource';
export const GRANTEE_PRINCIPAL = 'kms:GranteePrincipal';
export const GRANT_OPERATIONS = 'kms:GrantOperations';
export const CALLER_ACCOUNT = 'kms:CallerAccount';
export const VIA_SERVICE = 'kms:ViaService';
export const PRINCIPAL_ORG_ID = 'aws:PrincipalOrgID';
export const PRINCIPAL_ORG_PATHS = 'aws:PrincipalOrgPaths';
export const PRINCIPAL_ARN = 'aws:PrincipalArn';
export const PRINCIPAL_ACCOUNT = 'aws:PrincipalAccount';

/** Policy variable resolved per request; lets one statement pair each caller with its own role. */
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';
