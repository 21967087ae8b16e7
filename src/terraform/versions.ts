/**
 * The Terraform and AWS provider versions every stack `synth` writes, every root `generate` writes
 * and every module `keyshare modules` writes declare: one range, read by all of them.
 */

/**
 * The AWS provider range. Lower end: 5.100.0, the provider the end-to-end lifecycle runs for real
 * (the filesystem mirror, `KEYSHARE_TF_PLUGIN_DIR`). Upper end: the version the pinned
 * `@cdktf/provider-aws` bindings were generated from (their `providerVersion`), whose schema synth
 * writes through; a test holds the two equal, so a newer bindings release moves the range with it.
 */
export const AWS_PROVIDER_MIN_VERSION = '5.100.0';
export const AWS_PROVIDER_MAX_VERSION = '6.25.0';
export const AWS_PROVIDER_VERSION = `>= ${AWS_PROVIDER_MIN_VERSION}, <= ${AWS_PROVIDER_MAX_VERSION}`;

/**
 * Every stack and root: the S3 backend's `use_lockfile` (S3 native state locking) is generally
 * available from Terraform 1.11 ("Upgrading to Terraform v1.11"; experimental in 1.10), and its
 * `assume_role = { … }` object needs 1.6.
 */
export const ROOT_TERRAFORM_VERSION = '>= 1.11.0';
