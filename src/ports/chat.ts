import type { GroupCard } from '../core/group-card.ts';
import type { Reply } from '../core/reply.ts';
import type { MessageRef, Run } from '../core/run/run.ts';
import type { FormSubmit, FormVerdict, FormView } from './forms.ts';
import type { HomeContent } from './home.ts';

/** Who asked, and where: enough for the chat adapter to answer just them. */
export interface Requester {
  user: string;
  /** The channel it came from; empty for a press in the Home tab, which is in no channel. */
  channel: string;
  /** Adapter-specific way back to the asker (e.g. Slack's response_url). */
  replyTo?: string;
  /** Adapter-specific permission to open a form for this delivery (Slack's trigger_id, good for 3 s). */
  trigger?: string;
  /** The open form the delivery came from (Slack's view id and hash): showForm replaces it in place. */
  form?: { id: string; hash?: string };
  /** The press came from the person's Home tab: the hub answers there (see HomeService). */
  home?: boolean;
}

/** Where a picture goes: a channel, or the thread under one of its messages. */
export interface ImagePlace {
  channel: string;
  thread?: string;
}

/** A picture to post (a chart), with the title people see and a text for screen readers. */
export interface ImageFile {
  /** File name; the console saves the picture under it. */
  filename: string;
  title: string;
  altText: string;
  png: Buffer;
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
  /**
   * Posts a picture (a chart) where it belongs; optional content, so an ordinary call that waits
   * its turn behind cards and notices. True/false as for postNotice.
   */
  uploadImage(where: ImagePlace, image: ImageFile): Promise<boolean>;
  /**
   * A picture that could not be made, in one plain sentence: Slack leaves it out (the renderer has
   * logged why); the console says why in one dim line where the picture would have been named.
   */
  imageSkipped(where: ImagePlace, title: string, reason: string): void;
  /**
   * Shows someone a form: replaces the form the request came from (`to.form`) or opens a new one
   * with its trigger (`to.trigger`); a chat without forms says how to type the command instead.
   */
  showForm(to: Requester, form: FormView): Promise<void>;
  /** Publishes someone's Home tab (Slack's App Home); chats without one ignore it. */
  publishHome(user: string, home: HomeContent): Promise<void>;
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
   * True while deliveries are arriving (Slack over HTTP: some wait for their ack, or the last came
   * moments ago). Launch work waits meanwhile, so a burst of acks never queues behind it. Absent: never busy.
   */
  inboundBusy?(): boolean;
  /**
   * Stops receiving, delivers what matters most (final card states, notices, log uploads) for at
   * most `withinMs`, drops the rest and says which cards were left out of date.
   */
  close(withinMs?: number): Promise<ChatLeftovers>;
}

/** What a command led to: the answer the asker was given, and the runs it started. */
export interface CommandOutcome {
  reply?: Reply;
  /** Runs the command started (`console -e` waits for them to pick its exit code). */
  started: Run[];
  /**
   * Groups of runs the command started (a sweep, a pipeline): each resolves once the group has ended and
   * its notice is dealt with, true when it succeeded. `console -e` waits for these too.
   */
  groups?: Array<() => Promise<boolean>>;
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
  /**
   * A button press, or a choice in a form (ACTIONS.pickTemplate): `action` is one of ACTIONS,
   * `value` the run id, schedule name or template name.
   */
  action(action: string, value: string, from: Requester, key?: string): Promise<void>;
  /**
   * A submitted form, checked field by field exactly as a typed command is checked, and launched
   * (as the submitter, under the policy) only when every field is right. Resolves with the verdict
   * the chat must answer the submission with (Slack: in its ack, within 3 s).
   */
  submitForm(submission: FormSubmit, from: Requester): Promise<FormVerdict>;
  /** Someone opened their Home tab: the hub publishes it, and refreshes it for a while as their runs change. */
  homeOpened(user: string): Promise<void>;
}
