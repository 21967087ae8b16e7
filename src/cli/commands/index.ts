import type { Command } from 'commander';
import { registerCheck } from './check';
import { registerDoctor } from './doctor';
import { registerExplain } from './explain';
import { registerGenerate } from './generate';
import { registerModules } from './modules';
import { registerReview } from './review';
import { registerSynth } from './synth';

/** Every command module exports one `register` that adds its subcommand. */
export type Register = (cli: Command) => void;

export const COMMANDS: Register[] = [
  registerSynth,
  registerCheck,
  registerExplain,
  registerDoctor,
  registerReview,
  registerModules,
  registerGenerate,
];
