import type { Reply } from '../../../core/reply.ts';
import { isEnded, type MessageRef, type Run } from '../../../core/run/run.ts';
import type { ChatPort, Requester } from '../../../ports/chat.ts';
import { renderLaunchedText, renderLogKeptText, renderNoticeText } from '../../../views/text/notice-text.ts';
import { renderAnnouncementText, renderReplyText } from '../../../views/text/reply-text.ts';
import { renderRunCardText, renderRunLine } from '../../../views/text/run-card-text.ts';
import type { LiveScreen } from './LiveScreen.ts';

/** Without a TTY, a running run prints a progress line at most this often (state changes always print). */
const PLAIN_LINE_INTERVAL_MS = 1000;

/**
 * The chat on a terminal: what Slack would show, as text. Cards of live runs update in place
 * on a TTY and become plain lines otherwise.
 */
export class ConsoleChat implements ChatPort {
  readonly kind = 'console' as const;
  private readonly live = new Map<string, Run>();
  private readonly lastLine = new Map<string, { text: string; state: string; at: number }>();
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly screen: LiveScreen,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (screen.interactive) {
      // Elapsed time keeps moving even when a run prints nothing.
      this.ticker = setInterval(() => this.redraw(), 1000);
      this.ticker.unref();
    }
  }

  async answer(_to: Requester, reply: Reply): Promise<void> {
    this.screen.print(renderReplyText(reply, this.now()));
  }

  async postRunCard(run: Run): Promise<MessageRef> {
    this.screen.print(renderLaunchedText(run));
    this.updateRunCard(run);
    return { channel: run.channel, ts: run.id };
  }

  updateRunCard(run: Run): void {
    if (isEnded(run.state)) {
      if (this.live.delete(run.id)) this.redraw();
      this.lastLine.delete(run.id);
      return;
    }
    this.live.set(run.id, run);
    if (this.screen.interactive) this.redraw();
    else this.printLine(run);
  }

  private printLine(run: Run): void {
    const text = renderRunLine(run, this.now());
    const last = this.lastLine.get(run.id);
    const at = Date.now();
    const stateChanged = last?.state !== run.state;
    if (!stateChanged && (last.text === text || at - last.at < PLAIN_LINE_INTERVAL_MS)) return;
    this.lastLine.set(run.id, { text, state: run.state, at });
    this.screen.print(text);
  }

  private redraw(): void {
    const now = this.now();
    this.screen.setLive([...this.live.values()].flatMap((r) => renderRunCardText(r, now)));
  }

  async postNotice(run: Run, logTail: string[]): Promise<void> {
    this.live.delete(run.id);
    this.redraw();
    this.screen.print(renderNoticeText(run, logTail, this.now()).join('\n'));
  }

  async postInThread(_run: Run, reply: Reply): Promise<void> {
    this.screen.print(renderReplyText(reply, this.now()));
  }

  async uploadFile(run: Run, _filename: string, content: string): Promise<void> {
    this.screen.print(renderLogKeptText(run, content.split('\n').filter(Boolean).length));
  }

  async announce(_channel: string, text: string): Promise<void> {
    this.screen.print(renderAnnouncementText(text));
  }

  async start(): Promise<void> {}

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.screen.close();
  }
}
