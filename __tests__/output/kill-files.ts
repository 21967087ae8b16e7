/** Two versions of an output with many files, so that deleting the old one takes a while. */
export function outputFiles(version: string): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < 200; i++) files.set(`stacks/consumer-${i}/cdk.tf.json`, `${version}:${i}:`.padEnd(4096, version));
  if (version === 'new') files.set('stacks/added/cdk.tf.json', 'new only');
  return files;
}
