/**
 * The console's prompt and live area with the real readline, in this process: keystrokes go in
 * through a stream that says it is a terminal, and everything written is applied to a terminal
 * model. (test/e2e/console-terminal.test.ts does the same through a real pseudo-terminal.)
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { type QuitReason, runConsoleRepl } from '../../../../src/adapters/chat/console/console-repl.ts';
import { LiveScreen } from '../../../../src/adapters/chat/console/LiveScreen.ts';
import { eventually } from '../../../support/eventually.ts';
import { TerminalScreen } from '../../../support/terminal-screen.ts';

const COLUMNS = 40;

/** A terminal: keys typed into `input`, output drawn on `screen` (\n as a pty sends it: \r\n). */
function terminal() {
  const screen = new TerminalScreen(COLUMNS, 12, { onlcr: true });
  const output = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: COLUMNS,
    rows: 12,
    write(text: string) {
      screen.write(text);
      return true;
    },
  });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  return { screen, input, output };
}

function session(opts: { live?: () => string[] } = {}) {
  const { screen, input, output } = terminal();
  const live = new LiveScreen(output, true, 0);
  const executed: string[] = [];
  const repl = runConsoleRepl({
    input,
    output: output as unknown as NodeJS.WritableStream,
    screen: live,
    execute: async (text) => {
      executed.push(text);
      live.print(`answer to ${text}`);
    },
    activeRuns: () => (opts.live?.().length ? 1 : 0),
    greeting: 'hello',
  });
  let quit: QuitReason | undefined;
  void repl.quit.then((why) => (quit = why));
  return {
    screen,
    live,
    executed,
    type: (keys: string) => input.write(keys),
    quitReason: () => quit,
    lines: () => screen.lines(),
  };
}

const prompted = (s: ReturnType<typeof session>) =>
  eventually('the prompt', () => s.lines().at(-1) === 'trainyard>');

describe('the console prompt on a terminal', () => {
  for (const [how, type] of [
    ['pasted', (s: ReturnType<typeof session>, text: string) => s.type(`${text}\r`)],
    [
      'typed key by key',
      (s: ReturnType<typeof session>, text: string) => {
        for (const key of `${text}\r`) s.type(key);
      },
    ],
  ] as const) {
    it(`echoes each command once however many rows it took (${how})`, async () => {
      const s = session();
      await prompted(s);
      // With `trainyard> ` (11 columns): shorter than a row, over a row, exactly one, exactly two rows.
      const commands = [20, COLUMNS + 7, COLUMNS, 2 * COLUMNS].map((w) => `status ${'x'.repeat(w - 18)}`);
      for (const [i, command] of commands.entries()) {
        type(s, command);
        await eventually('the answer', () => s.executed.length > i && s.lines().at(-1) === 'trainyard>');
      }
      const expected = [
        'hello',
        ...commands.flatMap((c) => [`trainyard> ${c}`, `answer to ${c}`]),
        'trainyard>',
      ];
      assert.deepEqual(s.lines(), expected);
    });
  }

  it('keeps a wrapped half-typed command while output and the live area are redrawn above it', async () => {
    let cards = ['🏃 #1 sleep  Running', '   elapsed 1s'];
    const s = session({ live: () => cards });
    s.live.setLive(cards);
    await prompted(s);
    const half = `status ${'y'.repeat(COLUMNS)}`;
    s.type(half);
    s.live.print('a notice');
    cards = ['🏃 #1 sleep  Running', '   elapsed 2s'];
    s.live.setLive(cards);
    await eventually('the redraw', () => s.lines().includes('   elapsed 2s'));
    assert.deepEqual(s.lines(), ['hello', 'a notice', ...cards, `trainyard> ${half}`]);
  });

  it('cuts live lines to the width, counting wide characters, so none wraps', async () => {
    const s = session();
    const wide = `🏃 ${'界'.repeat(COLUMNS)}`;
    s.live.setLive([wide, 'second']);
    await eventually('the live area', () => s.lines().includes('second'));
    const row = s.lines().find((l) => l.startsWith('🏃'));
    assert.ok(row?.endsWith('…'), row);
    assert.deepEqual(s.lines().slice(-3), [row, 'second', 'trainyard>']);
  });

  for (const [keys, name] of [
    ['\u0003', 'the second Ctrl-C'],
    ['\u0004', 'Ctrl-D'],
  ] as const) {
    it(`${name} with runs going quits as exit and leaves no half-drawn line`, async () => {
      const cards = ['🏃 #1 sleep  Running', '   elapsed 1s'];
      const s = session({ live: () => cards });
      s.live.setLive(cards);
      await prompted(s);
      s.type('\u0003');
      await eventually('the warning', () => s.lines().some((l) => l.includes('still going')));
      s.type(keys);
      await eventually('the prompt to end', () => s.quitReason());
      assert.equal(s.quitReason(), 'exit');
      // The runs end afterwards: their cards leave the live area and a notice is printed.
      s.live.setLive([]);
      s.live.print('⏹️ run #1 stopped');
      await eventually('the notice', () => s.lines().includes('⏹️ run #1 stopped'));
      assert.deepEqual(s.lines(), [
        'hello',
        '1 run is still going; press Ctrl-C again to stop it and quit.',
        '⏹️ run #1 stopped',
      ]);
    });
  }

  it('quits as exit when the output goes away', async () => {
    const s = session();
    await prompted(s);
    s.live.readerGone();
    await eventually('the prompt to end', () => s.quitReason());
    assert.equal(s.quitReason(), 'exit');
  });
});

describe('the console prompt on piped input', () => {
  function piped() {
    const input = new PassThrough();
    const printed: string[] = [];
    const live = new LiveScreen({ write: (t: string) => printed.push(t) }, false);
    const executed: string[] = [];
    const repl = runConsoleRepl({
      input,
      output: new PassThrough(),
      screen: live,
      execute: async (text) => {
        executed.push(text);
      },
      activeRuns: () => 0,
      greeting: 'hello',
    });
    return { input, printed, executed, quit: repl.quit };
  }

  it('exit ends it at once, after the commands before it, while the pipe stays open', async () => {
    const p = piped();
    p.input.write('list\nexit\nstatus 1\n');
    assert.equal(await p.quit, 'exit');
    assert.deepEqual(p.executed, ['list']);
    assert.equal(p.input.destroyed, true, 'nothing more is read');
  });

  it('the end of the input ends it as end-of-input, after every command', async () => {
    const p = piped();
    p.input.end('list\nhelp\n');
    assert.equal(await p.quit, 'end-of-input');
    assert.deepEqual(p.executed, ['list', 'help']);
    assert.deepEqual(p.printed, ['hello\n']);
  });
});

describe('LiveScreen and a reader that goes away', () => {
  it('takes EPIPE as the reader gone: tells who asked, writes nothing more, throws nothing', async () => {
    const out = Object.assign(new EventEmitter(), { writes: [] as string[], isTTY: false });
    const screen = new LiveScreen(Object.assign(out, { write: (t: string) => out.writes.push(t) }));
    let told = 0;
    screen.onGone(() => told++);
    screen.print('first');
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    screen.print('second');
    screen.onGone(() => told++);
    assert.deepEqual(out.writes, ['first\n']);
    assert.equal(told, 2, 'a listener added afterwards is told at once');
  });
});

describe('LiveScreen on a terminal that does not say its width', () => {
  it('a pseudo-terminal of 0 columns (script -qc with no size set) gets cards at the usual width, not 19 columns', () => {
    const writes: string[] = [];
    const screen = new LiveScreen({ isTTY: true, columns: 0, write: (t: string) => writes.push(t) }, true, 0);
    const card = '🏃 #2 sleep  Running  ▓▓▓▓▓░░░░░ 50%  loss=0.25';
    screen.setLive([card, '   params: seconds=600 exit_code=0']);
    screen.print('answer');
    const drawn = writes.join('');
    assert.ok(drawn.includes(card), `the card is cut: ${JSON.stringify(drawn)}`);
    assert.ok(
      drawn.includes('   params: seconds=600 exit_code=0'),
      `the params are cut: ${JSON.stringify(drawn)}`,
    );
    screen.close();
  });
});
