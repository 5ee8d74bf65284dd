import type { Command } from '../../core/command/command.ts';
import type { CommandOutcome } from '../../ports/chat.ts';
import { answer, type CommandModule } from './command-module.ts';

const HELD_VERBS = ['lineage'] as const;
type HeldVerb = (typeof HELD_VERBS)[number];

/**
 * Verbs the parser already knows whose services are still to come: each gets a holding answer
 * until its own module (lineage) takes it over.
 */
export class HoldingAnswers implements CommandModule<HeldVerb> {
  readonly verbs = HELD_VERBS;

  async handle(_command: Extract<Command, { verb: HeldVerb }>): Promise<CommandOutcome> {
    // Answering needs a lineage reply kind and its rendering in the chat adapters; until then, say so.
    return answer({ kind: 'info', text: 'Lineage is not answered yet; it comes with pipelines.' });
  }
}
