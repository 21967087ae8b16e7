import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/**
 * One construct on its own, as a cdktf user would place it: a stack with an AWS provider and nothing
 * else. Synthesized with validations run, for cdktf's jest matchers.
 */
export function synthAlone(place: (stack: TerraformStack) => void, region = 'eu-west-1'): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region });
  place(stack);
  return Testing.synth(stack, true);
}
