/**
 * keyshare as a library, `require('keyshare')`: the four constructs, to place in your own cdktf
 * stacks (README, "The constructs, as a library"). The CLI is `bin/keyshare.js`; nothing here
 * loads it.
 */
export { AmiShare, type AmiShareProps, type SharedAmi } from './modules/ami-share';
export { AutoScalingServiceLinkedRole, type AutoScalingServiceLinkedRoleProps } from './modules/autoscaling-role';
export { ConsumerGrant, type ConsumerGrantProps } from './modules/consumer-grant';
export { type AutoScalingLaunchGrantee, KeyOwner, type KeyOwnerOrganization, type KeyOwnerProps } from './modules/key-owner';
