import type { Command, Verb } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import type { Sentence } from '../../core/sentence.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';

/**
 * One group of verbs (Botkube's executors): the dispatcher parses a command once and hands it to
 * the module that owns its verb. Later groups (sweeps, lineage ...) are modules of their own.
 */
export interface CommandModule<V extends Verb = Verb> {
  readonly verbs: readonly V[];
  handle(command: Extract<Command, { verb: V }>, from: Requester): Promise<CommandOutcome>;
}

/** The buttons (block actions) one module answers; the reply goes to the presser only. */
export interface ButtonModule {
  readonly actions: readonly string[];
  /** `value` is what the button carries (a run id, a schedule name). */
  press(action: string, value: string, from: Requester): Promise<Reply | undefined>;
}

/** An outcome that only answers. */
export const answer = (reply: Reply): CommandOutcome => ({ reply, started: [] });

/** An outcome that answers with one sentence saying what is wrong. */
export const refuse = (text: Sentence): CommandOutcome => answer({ kind: 'error', text });
