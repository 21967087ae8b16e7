/**
 * Each command's one-line description. `keyshare --help` lists them without loading any command
 * module (and with it zod, yaml, handlebars, the evaluator or cdktf); each command's own help
 * shows the same line.
 */
export const DESCRIPTIONS = {
  synth: 'synthesize the owner stack and one stack per cross-account consumer into DIR/stacks/<stack>/cdk.tf.json',
  check: "prove that every consumer's launch path is allowed and nothing beyond it is, and lint the key policy",
  explain: 'decide KMS requests against a key policy, IAM policies, grants and SCPs, with the statements that decided each',
  doctor:
    'why does an Auto Scaling group in account ACCT fail to launch from an AMI encrypted with this key? walks the launch path and names the fix',
  review: 'review Terraform plans of a key-sharing change for a pull request: who gains or loses the key, launch paths, risks',
  modules: 'write the plain Terraform modules key-policy, key-owner and consumer-grant into DIR/<module>/',
  generate: 'render an org-wide rollout as plain Terraform: an owner root, one root per active account, the modules, and CI that applies in waves',
  audit:
    "read the live organization (Get, List and Describe calls only): each account's launch path proven, broken or unknown, and drift from the config",
} as const;

export type CommandName = keyof typeof DESCRIPTIONS;
