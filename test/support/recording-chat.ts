import type { Reply } from '../../src/core/reply.ts';
import type { MessageRef, Run } from '../../src/core/run/run.ts';
import { sentenceText } from '../../src/core/sentence.ts';
import type { ChatPort, Requester } from '../../src/ports/chat.ts';

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
  async postNotice(run: Run, logTail: string[]): Promise<void> {
    this.notices.push({ run, logTail });
  }
  async postInThread(run: Run, reply: Reply): Promise<void> {
    this.threads.push({ run, reply });
  }
  async uploadFile(run: Run, filename: string, content: string): Promise<void> {
    this.files.push({ run, filename, content });
  }
  async announce(channel: string, text: string): Promise<void> {
    this.announcements.push({ channel, text });
  }
  async start(): Promise<void> {}

  async flush(): Promise<void> {}
  async close(): Promise<void> {}

  /** The texts of error answers, for assertions; mentions Trainyard wrote read as Slack writes them (`<@U1>`). */
  errors(): string[] {
    return this.answers.flatMap((a) =>
      a.reply.kind === 'error' ? [sentenceText(a.reply.text, (id) => `<@${id}>`)] : [],
    );
  }
}
