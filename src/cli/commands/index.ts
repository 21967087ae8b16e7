import type { Command } from 'commander';
import { CommandName, DESCRIPTIONS } from './descriptions';

/** Every command module exports one `register` that adds its subcommand. */
export type Register = (cli: Command) => void;

export interface CommandEntry {
  readonly name: CommandName;
  readonly description: string;
  /** Loads the command's module, and what it needs, only when that command runs. */
  readonly load: () => Register;
}

const LOADERS: Record<CommandName, () => Register> = {
  synth: () => (require('./synth') as typeof import('./synth')).registerSynth,
  check: () => (require('./check') as typeof import('./check')).registerCheck,
  explain: () => (require('./explain') as typeof import('./explain')).registerExplain,
  doctor: () => (require('./doctor') as typeof import('./doctor')).registerDoctor,
  review: () => (require('./review') as typeof import('./review')).registerReview,
  modules: () => (require('./modules') as typeof import('./modules')).registerModules,
  generate: () => (require('./generate') as typeof import('./generate')).registerGenerate,
  audit: () => (require('./audit') as typeof import('./audit')).registerAudit,
};

export const COMMANDS: readonly CommandEntry[] = (Object.keys(DESCRIPTIONS) as CommandName[]).map((name) => ({
  name,
  description: DESCRIPTIONS[name],
  load: LOADERS[name],
}));
