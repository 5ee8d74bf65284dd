import type { Reply } from '../core/reply.ts';
import type { MessageRef, Run } from '../core/run/run.ts';

/** Who asked, and where: enough for the chat adapter to answer just them. */
export interface Requester {
  user: string;
  channel: string;
  /** Adapter-specific way back to the asker (e.g. Slack's response_url). */
  replyTo?: string;
}

/**
 * The chat a bot talks through (hubot's adapter contract). Implementations: SlackChat, ConsoleChat.
 * Methods never throw for delivery problems: a failed post is logged and never affects a run.
 */
export interface ChatPort {
  readonly kind: 'slack' | 'console';
  /** Starts receiving commands (Slack: the HTTP or Socket Mode receiver). */
  start(): Promise<void>;
  /** An answer only the asker sees (ephemeral in Slack). */
  answer(to: Requester, reply: Reply): Promise<void>;
  /** Posts the run card in the run's channel; returns where it is, so it can be updated. */
  postRunCard(run: Run): Promise<MessageRef | undefined>;
  /** Refreshes the card. Coalesced: only the latest state matters; end states are never dropped. */
  updateRunCard(run: Run): void;
  /** Completion notice in the card's thread, also shown in the channel, mentioning the launcher. */
  postNotice(run: Run, logTail: string[]): Promise<void>;
  /** A reply in the run card's thread (e.g. logs on request). */
  postInThread(run: Run, reply: Reply): Promise<void>;
  /** Uploads a file (the full log) to the run card's thread. */
  uploadFile(run: Run, filename: string, content: string, title: string): Promise<void>;
  /** A message in a channel, e.g. a schedule announcing its run. */
  announce(channel: string, text: string): Promise<void>;
  /** Waits until everything queued was delivered (or dropped as superseded). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What chat adapters deliver to the bot. Implemented by the orchestrator. */
export interface ChatHandlers {
  /**
   * The text after `/train`. `key` identifies the delivery (e.g. Slack's trigger_id) so a
   * retried delivery is answered once and never launches twice.
   */
  command(text: string, from: Requester, key?: string): Promise<void>;
  /** A button press: `action` is one of ACTIONS, `value` the run id or schedule name. */
  action(action: string, value: string, from: Requester, key?: string): Promise<void>;
}
