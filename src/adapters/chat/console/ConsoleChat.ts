import { mkdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import type { GroupCard } from '../../../core/group-card.ts';
import type { Reply } from '../../../core/reply.ts';
import { isEnded, type MessageRef, type Run } from '../../../core/run/run.ts';
import type {
  ChatHandlers,
  ChatLeftovers,
  ChatPort,
  CommandOutcome,
  ImageFile,
  ImagePlace,
  Requester,
} from '../../../ports/chat.ts';
import type { FormView } from '../../../ports/forms.ts';
import {
  renderChartSavedText,
  renderFormHintText,
  renderNoChartText,
} from '../../../views/text/chart-text.ts';
import {
  renderGroupCardText,
  renderGroupNoticeText,
  renderGroupStartedText,
} from '../../../views/text/group-card-text.ts';
import { renderLaunchedText, renderLogKeptText, renderNoticeText } from '../../../views/text/notice-text.ts';
import { renderAnnouncementText, renderReplyText } from '../../../views/text/reply-text.ts';
import { renderRunCardText, renderRunLine } from '../../../views/text/run-card-text.ts';
import { type QuitReason, runConsoleRepl } from './console-repl.ts';
import type { LiveScreen } from './LiveScreen.ts';

/** Without a TTY, a running run prints a progress line at most this often (state changes always print). */
const PLAIN_LINE_INTERVAL_MS = 1000;

export interface ConsoleChatOptions {
  screen: LiveScreen;
  /** Who sits at this terminal: commands are theirs, in channel `console`. */
  user: string;
  /** Where typed commands come from; without it there is no prompt (`console -e` uses send()). */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  now?: () => Date;
  /** Where chart pictures are saved (TRAINYARD_DATA/charts); without it they are not kept. */
  chartsDir?: string;
}

/**
 * The chat on a terminal: what Slack would show, as text. Cards of live runs update in place
 * on a TTY and become plain lines otherwise. Like hubot's Shell adapter it owns its prompt: each
 * line typed enters the bot through the same door as a Slack command.
 */
export class ConsoleChat implements ChatPort {
  readonly kind = 'console' as const;
  private readonly live = new Map<string, Run>();
  /** Group cards (sweeps, pipelines) still going, by their ref's ts. */
  private readonly liveGroups = new Map<string, GroupCard>();
  private groupCount = 0;
  private readonly lastLine = new Map<string, { text: string; state: string; at: number }>();
  private readonly screen: LiveScreen;
  private readonly now: () => Date;
  private readonly requester: Requester;
  private handlers?: ChatHandlers;
  private conversation: Promise<QuitReason> = Promise.resolve('end-of-input');
  private repl?: ReturnType<typeof runConsoleRepl>;
  /** Which runtime runs the jobs, for the greeting (set once the app has chosen it). */
  private runtime = 'the process runtime (this machine)';
  private ticker?: NodeJS.Timeout;

  constructor(private readonly opts: ConsoleChatOptions) {
    this.screen = opts.screen;
    this.now = opts.now ?? (() => new Date());
    this.requester = { user: opts.user, channel: 'console' };
    if (this.screen.interactive) {
      // Elapsed time keeps moving even when a run prints nothing.
      this.ticker = setInterval(() => this.redraw(), 1000);
      this.ticker.unref();
    }
  }

  /** Opens the prompt, when there is input to read; from now on each line is a command. */
  async start(handlers: ChatHandlers): Promise<void> {
    this.handlers = handlers;
    const { input, output } = this.opts;
    if (!input) return;
    this.repl = runConsoleRepl({
      input,
      output: output ?? process.stdout,
      screen: this.screen,
      execute: (text) => this.send(text).then(() => undefined),
      activeRuns: () => this.live.size,
      greeting: [
        `Trainyard console: jobs run on ${this.runtime}.`,
        'Type /train commands (the "/train" is optional), e.g. demo epochs=3; help lists them.',
        'exit or Ctrl-D quits, stopping the runs still going.',
      ].join('\n'),
    });
    this.conversation = this.repl.quit;
  }

  /** Ends the prompt as `exit` does (e.g. on Ctrl-C when the input is not a terminal). */
  leave(): void {
    this.repl?.exit();
  }

  /** Names the runtime in the greeting, e.g. `docker` at `Docker on this machine`. */
  useRuntime(kind: string, location: string): void {
    this.runtime = `the ${kind} runtime (${location})`;
  }

  /** One command through the door, as if typed at the prompt (`console -e` waits on its outcome). */
  send(text: string): Promise<CommandOutcome> {
    if (!this.handlers) throw new Error('the console chat is not started');
    return this.handlers.command(text, this.requester);
  }

  /**
   * Resolves when the person quits the prompt, saying how: `exit` (exit, Ctrl-D, the second Ctrl-C,
   * the output gone) or `end-of-input` (piped commands ran out; at once without a prompt).
   */
  whenQuit(): Promise<QuitReason> {
    return this.conversation;
  }

  async answer(_to: Requester, reply: Reply): Promise<void> {
    this.screen.print(renderReplyText(reply, this.now()));
  }

  async postRunCard(run: Run): Promise<MessageRef> {
    this.screen.print(renderLaunchedText(run).join('\n'));
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
    this.screen.setLive([
      ...[...this.liveGroups.values()].flatMap((g) => renderGroupCardText(g, now)),
      ...[...this.live.values()].flatMap((r) => renderRunCardText(r, now)),
    ]);
  }

  async postNotice(run: Run, logTail: string[]): Promise<boolean> {
    this.live.delete(run.id);
    this.redraw();
    this.screen.print(renderNoticeText(run, logTail, this.now()).join('\n'));
    return true;
  }

  async postInThread(_run: Run, reply: Reply): Promise<void> {
    this.screen.print(renderReplyText(reply, this.now()));
  }

  async uploadFile(run: Run, _filename: string, content: string): Promise<boolean> {
    this.screen.print(renderLogKeptText(run, content.split('\n').filter(Boolean).length));
    return true;
  }

  /** Saves the picture in the charts folder and prints its path. */
  async uploadImage(where: ImagePlace, image: ImageFile): Promise<boolean> {
    const dir = this.opts.chartsDir;
    if (!dir) {
      this.imageSkipped(where, image.title, 'pictures are not kept here');
      return true;
    }
    const path = join(dir, basename(image.filename));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path, image.png);
    } catch (err) {
      this.imageSkipped(where, image.title, `it could not be saved in ${dir} (${(err as Error).message})`);
      return true;
    }
    // Under the working folder (the default ./data), the short path.
    const near = relative(process.cwd(), path);
    this.screen.print(renderChartSavedText(near.startsWith('..') || isAbsolute(near) ? path : near));
    return true;
  }

  imageSkipped(_where: ImagePlace, title: string, reason: string): void {
    this.screen.print(renderNoChartText(title, reason, this.screen.interactive));
  }

  /** Forms are Slack's: says what to type instead. */
  async showForm(_to: Requester, form: FormView): Promise<void> {
    const names = form.kind === 'new' ? form.templates.map((t) => t.name) : [form.template.name];
    this.screen.print(renderFormHintText(names, form.kind === 'launch' ? form.template.name : undefined));
  }

  /** The console has no Home tab. */
  async publishHome(): Promise<void> {}

  async postGroupCard(channel: string, card: GroupCard): Promise<MessageRef> {
    this.screen.print(renderGroupStartedText(card));
    const ref = { channel, ts: `group-${++this.groupCount}` };
    this.updateGroupCard(ref, card, false);
    return ref;
  }

  updateGroupCard(ref: MessageRef, card: GroupCard, final: boolean): void {
    if (final) {
      if (this.liveGroups.delete(ref.ts)) this.redraw();
      return;
    }
    this.liveGroups.set(ref.ts, card);
    // Without a TTY a group's table would print on every change; its notice says how it ended.
    if (this.screen.interactive) this.redraw();
  }

  async postGroupNotice(
    ref: MessageRef | undefined,
    _channel: string,
    card: GroupCard,
    logTail: string[],
  ): Promise<boolean> {
    if (ref && this.liveGroups.delete(ref.ts)) this.redraw();
    this.screen.print(renderGroupNoticeText(card, logTail, this.now()).join('\n'));
    return true;
  }

  async announce(_channel: string, text: string): Promise<void> {
    this.screen.print(renderAnnouncementText(text));
  }

  async flush(): Promise<void> {}

  async close(): Promise<ChatLeftovers> {
    if (this.ticker) clearInterval(this.ticker);
    this.screen.close();
    return { staleCards: [] };
  }
}
