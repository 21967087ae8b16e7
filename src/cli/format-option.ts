import { Option } from 'commander';

const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** `--format text|json|markdown`; json is for machines, markdown for PR comments. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(FORMATS).default('text');
}
