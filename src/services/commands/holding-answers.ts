import type { Command } from '../../core/command/command.ts';
import type { CommandOutcome } from '../../ports/chat.ts';
import { type CommandModule, refuse } from './command-module.ts';

const HELD_VERBS = ['sweep', 'sweeps'] as const;
type HeldVerb = (typeof HELD_VERBS)[number];

/**
 * Verbs the parser already knows whose services are still to come: each gets a holding answer
 * until its own module (sweeps) takes it over.
 */
export class HoldingAnswers implements CommandModule<HeldVerb> {
  readonly verbs = HELD_VERBS;

  async handle(command: Extract<Command, { verb: HeldVerb }>): Promise<CommandOutcome> {
    switch (command.verb) {
      case 'sweep':
      case 'sweeps':
        // The parser knows sweeps (src/core/sweep); the sweep service that runs them is still to come.
        return refuse('Sweeps are not available in this version yet.');
    }
  }
}
