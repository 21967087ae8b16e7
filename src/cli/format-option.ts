import { Option } from 'commander';
import { FORMATS } from '../render/format';

/** `--format text|json|markdown`; json is for machines, markdown for PR comments. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(FORMATS).default('text');
}
