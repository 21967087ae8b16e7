import { refineConsistency } from './consistency';
import { configShape } from './shape';

/** Cross-field rules run only once every field has the right shape. */
export const configSchema = configShape.superRefine(refineConsistency).meta({
  title: 'keyshare.yaml',
  description: 'Share a KMS-encrypted AMI across AWS accounts for EC2 Auto Scaling.',
});
