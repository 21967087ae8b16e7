/**
 * Runs before every test file (jest.config.js, setupFiles), and its environment reaches every CLI
 * child a test starts: no test may reach AWS. The SDK's default credential chain would end at the EC2
 * instance metadata endpoint (a network call, and on an EC2 host real credentials), and would read a
 * developer's own profiles first; both are closed here.
 */
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/nonexistent/keyshare-tests/aws-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/keyshare-tests/aws-credentials';
for (const name of [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
]) {
  delete process.env[name];
}

// Every terraform a test starts inherits this environment: Go's collector, rarely, as for the AWS
// provider (aws-provider.ts, GC). jest -i over the six terraform-modules/ and terraform/ files that run
// terraform: 13.6 CPU-s with the default collector, 11.7-12.9 without.
process.env.GOGC = 'off';
process.env.GOMEMLIMIT = '1536MiB';
