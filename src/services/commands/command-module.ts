import type { Command, RunRef, Verb } from '../../core/command/command.ts';
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

/**
 * Things numbered from the run sequence that are not runs (sweeps, pipelines): `status`, `logs`
 * and `stop` on their number reach them too. Each answers for its own numbers and declines the
 * rest, and is asked only when no run has that number.
 */
export interface NumberedGroup {
  /** The outcome of `verb` on `ref` when it names one of this module's records; undefined to decline. */
  onNumber(verb: GroupVerb, ref: RunRef, from: Requester): Promise<CommandOutcome | undefined>;
}

export type GroupVerb = 'status' | 'logs' | 'stop';

/** An outcome that only answers. */
export const answer = (reply: Reply): CommandOutcome => ({ reply, started: [] });

/** An outcome that answers with one sentence saying what is wrong. */
export const refuse = (text: Sentence): CommandOutcome => answer({ kind: 'error', text });
