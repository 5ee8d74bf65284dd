import type { GroupCard } from '../core/group-card.ts';
import type { Reply } from '../core/reply.ts';
import type { MessageRef, Run } from '../core/run/run.ts';

/** Who asked, and where: enough for the chat adapter to answer just them. */
export interface Requester {
  user: string;
  channel: string;
  /** Adapter-specific way back to the asker (e.g. Slack's response_url). */
  replyTo?: string;
}

/** What is left when a chat shuts down with messages still waiting. */
export interface ChatLeftovers {
  /** Cards whose latest state was not delivered; the hub brings them up to date after the next start. */
  staleCards: MessageRef[];
}

/**
 * The chat a bot talks through (hubot's adapter contract). Implementations: SlackChat, ConsoleChat.
 * Methods never throw for delivery problems: a failed post is logged and never affects a run.
 */
export interface ChatPort {
  readonly kind: 'slack' | 'console';
  /**
   * Starts receiving: from now on every command and button press enters through `handlers`, the
   * one door of both chats (Slack: the HTTP or Socket Mode receiver; console: its prompt).
   */
  start(handlers: ChatHandlers): Promise<void>;
  /** An answer only the asker sees (ephemeral in Slack). */
  answer(to: Requester, reply: Reply): Promise<void>;
  /** Posts the run card in the run's channel; returns where it is, so it can be updated. */
  postRunCard(run: Run): Promise<MessageRef | undefined>;
  /** Refreshes the card. Coalesced: only the latest state matters; end states are never dropped. */
  updateRunCard(run: Run): void;
  /**
   * Completion notice in the card's thread, also shown in the channel, mentioning the launcher.
   * True once it is dealt with (delivered, or refused by the chat for good); false when the chat
   * shut down before sending it, so it must be sent after the next start.
   */
  postNotice(run: Run, logTail: string[]): Promise<boolean>;
  /** A reply in the run card's thread (e.g. logs on request). */
  postInThread(run: Run, reply: Reply): Promise<void>;
  /** Uploads a file (the full log) to the run card's thread. True/false as for postNotice. */
  uploadFile(run: Run, filename: string, content: string, title: string): Promise<boolean>;
  /** Posts a group's card in `channel`; returns where it is, so it can be updated. */
  postGroupCard(channel: string, card: GroupCard): Promise<MessageRef | undefined>;
  /**
   * Refreshes a group card. Coalesced per card (the latest wins); a `final` one goes first and is
   * never dropped.
   */
  updateGroupCard(ref: MessageRef, card: GroupCard, final: boolean): void;
  /**
   * The group's one completion notice, in its card's thread (also shown in the channel), mentioning
   * the launcher; `logTail` is the failed run's last lines, when one failed. True/false as postNotice.
   */
  postGroupNotice(
    ref: MessageRef | undefined,
    channel: string,
    card: GroupCard,
    logTail: string[],
  ): Promise<boolean>;
  /** A message in a channel, e.g. a schedule announcing its run. */
  announce(channel: string, text: string): Promise<void>;
  /** Waits until everything queued was delivered (or dropped as superseded). */
  flush(): Promise<void>;
  /**
   * Stops receiving, delivers what matters most (final card states, notices, log uploads) for at
   * most `withinMs`, drops the rest and says which cards were left out of date.
   */
  close(withinMs?: number): Promise<ChatLeftovers>;
}

/** A group of runs a command started: a sweep (or a pipeline), by its id. */
export interface GroupRef {
  kind: GroupCard['kind'];
  id: string;
}

/** What a command led to: the answer the asker was given, and the runs it started. */
export interface CommandOutcome {
  reply?: Reply;
  /** Runs the command started (`console -e` waits for them to pick its exit code). */
  started: Run[];
  /** Groups of runs it started (a sweep): `console -e` waits for these too. */
  groups?: GroupRef[];
}

/**
 * The one door through which every chat adapter delivers what people do. Implemented by the
 * command dispatcher (src/services/commands).
 */
export interface ChatHandlers {
  /**
   * The text after `/train`. `key` identifies the delivery (e.g. Slack's trigger_id) so a
   * retried delivery is answered once and never launches twice. The answer is given through
   * the chat before this resolves; the outcome says what happened.
   */
  command(text: string, from: Requester, key?: string): Promise<CommandOutcome>;
  /** A button press: `action` is one of ACTIONS, `value` the run id or schedule name. */
  action(action: string, value: string, from: Requester, key?: string): Promise<void>;
}
