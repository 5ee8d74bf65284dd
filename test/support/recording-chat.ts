import type { GroupCard } from '../../src/core/group-card.ts';
import type { Reply } from '../../src/core/reply.ts';
import type { MessageRef, Run } from '../../src/core/run/run.ts';
import { sentenceText } from '../../src/core/sentence.ts';
import type {
  ChatHandlers,
  ChatLeftovers,
  ChatPort,
  ImageFile,
  ImagePlace,
  Requester,
} from '../../src/ports/chat.ts';
import type { FormView } from '../../src/ports/forms.ts';
import type { HomeContent } from '../../src/ports/home.ts';

/** A ChatPort that remembers everything it was asked to say (hubot's test adapter). */
export class RecordingChat implements ChatPort {
  readonly kind = 'console' as const;
  readonly answers: { to: Requester; reply: Reply }[] = [];
  readonly cards: Run[] = [];
  readonly updates: Run[] = [];
  readonly notices: { run: Run; logTail: string[] }[] = [];
  readonly threads: { run: Run; reply: Reply }[] = [];
  readonly files: { run: Run; filename: string; content: string }[] = [];
  readonly announcements: { channel: string; text: string }[] = [];
  readonly groupCards: { ref: MessageRef; card: GroupCard }[] = [];
  readonly groupUpdates: { ref: MessageRef; card: GroupCard; final: boolean }[] = [];
  readonly groupNotices: { ref?: MessageRef; channel: string; card: GroupCard; logTail: string[] }[] = [];
  readonly images: { where: ImagePlace; image: ImageFile }[] = [];
  readonly skippedImages: { where: ImagePlace; title: string; reason: string }[] = [];
  readonly forms: { to: Requester; form: FormView }[] = [];
  readonly homes: { user: string; home: HomeContent }[] = [];
  /** The door the hub opened when it started the chat. */
  handlers?: ChatHandlers;
  /** What close() reports as left out of date. */
  leftovers: ChatLeftovers = { staleCards: [] };
  /** Set to make notices and uploads go unsent, as when the chat shuts down first. */
  unsent = false;
  /** While set, notices and uploads wait for it: a slow chat. */
  gate?: Promise<void>;

  async answer(to: Requester, reply: Reply): Promise<void> {
    this.answers.push({ to, reply });
  }
  async postRunCard(run: Run): Promise<MessageRef> {
    this.cards.push(run);
    return { channel: run.channel, ts: `ts-${run.number}` };
  }
  updateRunCard(run: Run): void {
    this.updates.push(run);
  }
  async postNotice(run: Run, logTail: string[]): Promise<boolean> {
    await this.gate;
    if (this.unsent) return false;
    this.notices.push({ run, logTail });
    return true;
  }
  async postInThread(run: Run, reply: Reply): Promise<void> {
    this.threads.push({ run, reply });
  }
  async uploadFile(run: Run, filename: string, content: string): Promise<boolean> {
    await this.gate;
    if (this.unsent) return false;
    this.files.push({ run, filename, content });
    return true;
  }
  async postGroupCard(channel: string, card: GroupCard): Promise<MessageRef> {
    const ref = { channel, ts: `group-${this.groupCards.length + 1}` };
    this.groupCards.push({ ref, card });
    return ref;
  }
  updateGroupCard(ref: MessageRef, card: GroupCard, final: boolean): void {
    this.groupUpdates.push({ ref, card, final });
  }
  async postGroupNotice(
    ref: MessageRef | undefined,
    channel: string,
    card: GroupCard,
    logTail: string[],
  ): Promise<boolean> {
    await this.gate;
    if (this.unsent) return false;
    this.groupNotices.push({ ref, channel, card, logTail });
    return true;
  }
  async uploadImage(where: ImagePlace, image: ImageFile): Promise<boolean> {
    await this.gate;
    if (this.unsent) return false;
    this.images.push({ where, image });
    return true;
  }
  imageSkipped(where: ImagePlace, title: string, reason: string): void {
    this.skippedImages.push({ where, title, reason });
  }
  async showForm(to: Requester, form: FormView): Promise<void> {
    this.forms.push({ to, form });
  }
  async publishHome(user: string, home: HomeContent): Promise<void> {
    this.homes.push({ user, home });
  }
  async announce(channel: string, text: string): Promise<void> {
    this.announcements.push({ channel, text });
  }
  async start(handlers: ChatHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async flush(): Promise<void> {}
  async close(): Promise<ChatLeftovers> {
    return this.leftovers;
  }

  /** The lines shown by the latest logs answer, or by the latest logs reply in a thread. */
  logLines(where: 'answer' | 'thread' = 'answer'): string[] | undefined {
    const reply = (where === 'answer' ? this.answers : this.threads).at(-1)?.reply;
    return reply?.kind === 'logs' ? reply.lines : undefined;
  }

  /** The texts of error answers, for assertions; mentions Trainyard wrote read as Slack writes them (`<@U1>`). */
  errors(): string[] {
    return this.answers.flatMap((a) =>
      a.reply.kind === 'error' ? [sentenceText(a.reply.text, (id) => `<@${id}>`)] : [],
    );
  }
}
