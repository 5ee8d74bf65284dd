/**
 * The interactive console on a real pseudo-terminal: the compiled `trainyard console`
 * (bin/trainyard.mjs) under `script`, typed at like a person, its output applied to a small
 * terminal model. Assertions are on what the terminal shows at the end.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { storedRun } from '../support/live-file.ts';
import { type PtySession, ptyUnavailable, spawnInPty } from '../support/pty.ts';

const ROOT = join(import.meta.dirname, '../..');
const COLUMNS = 60;
const skip = ptyUnavailable() ?? false;
const folders: string[] = [];

after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainyard-pty-'));
  folders.push(dir);
  return dir;
}

function env(data: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    USER: 'ann',
    TERM: 'xterm',
    TRAINYARD_DATA: data,
    TRAINYARD_RUNTIME: 'process',
    ...extra,
  };
}

/** `trainyard <args>` on a 60 × 16 terminal. */
async function consoleOnPty(
  data: string,
  args = ['console'],
  extra: NodeJS.ProcessEnv = {},
): Promise<PtySession> {
  const session = spawnInPty([process.execPath, 'bin/trainyard.mjs', ...args], {
    columns: COLUMNS,
    rows: 16,
    cwd: ROOT,
    env: env(data, extra),
  });
  try {
    // Keys typed before the prompt would be echoed by the pty itself, not by the console.
    await eventually('the prompt', () => session.screen.text().includes('trainyard>'));
  } catch (err) {
    session.kill();
    throw err;
  }
  return session;
}

/** Lines the console may show, whole; a line that is none of these is a drawing error. */
const WHOLE_LINES = [
  /^Trainyard console: jobs run on the process runtime \(this machine\)\.$/,
  /^Type \/train commands \(the "\/train" is optional\), e\.g\. demo epochs=3; help lists them\.$/,
  /^exit or Ctrl-D quits, stopping the runs still going\.$/,
  /^trainyard> (sleep seconds=60|)$/,
  /^🚂 Launched run #1 \(sleep\) as r-[a-z0-9]{10} on the process runtime\.$/,
  /^1 run is still going; press Ctrl-C again to stop it and quit\.$/,
  /^⏹️ @ann run #1 sleep stopped after \d+s\.$/,
  /^ {3}reason: stopped by @ann\. The console was closed while it ran\.$/,
  /^ {3}📄 full log: \d+ lines?; "logs 1" shows the end of it\.$/,
];

function assertOnlyWholeLines(session: PtySession): void {
  for (const line of session.screen.lines()) {
    assert.ok(
      WHOLE_LINES.some((pattern) => pattern.test(line)),
      `a line the console should not leave on the screen: ${JSON.stringify(line)}\n--- screen:\n${session.screen.text()}`,
    );
  }
}

describe('the console on a terminal', { skip, timeout: 120_000 }, () => {
  for (const [keys, name] of [
    ['\u0003', 'Ctrl-C twice'],
    ['\u0004', 'Ctrl-C, then Ctrl-D'],
  ] as const) {
    it(`${name} during a run: a warning, the run stopped and stored, no card line left half drawn`, async () => {
      const data = dataFolder();
      const session = await consoleOnPty(data);
      try {
        session.type('sleep seconds=60\r');
        await eventually('the running card', () => session.screen.text().includes('🏃 #1 sleep  Running'));
        session.type('\u0003');
        await eventually('the warning', () => session.screen.text().includes('still going'));
        session.type(keys);
        assert.equal(await session.exited, 0);
      } finally {
        session.kill();
      }
      assertOnlyWholeLines(session);
      assert.ok(session.screen.lines().some((l) => /^⏹️ @ann run #1 sleep stopped/.test(l)));
      assert.equal(storedRun(data, 1).state, 'stopped');
    });
  }

  it('closing the terminal stops the runs and keeps them', async () => {
    const data = dataFolder();
    const session = await consoleOnPty(data);
    session.type('sleep seconds=60\r');
    await eventually('the running card', () => session.screen.text().includes('🏃 #1 sleep  Running'));
    const pid = session.programPid();
    assert.ok(pid, 'trainyard runs under script');
    session.kill();
    await eventually('trainyard to end after the hang-up', () => !existsSync(`/proc/${pid}`));
    assert.equal(storedRun(data, 1).state, 'stopped');
  });

  it('echoes a command wider than the terminal once, whatever rows it took', async () => {
    const data = dataFolder();
    const session = await consoleOnPty(data);
    // With `trainyard> ` (11 columns): over two rows, exactly two rows, exactly one row.
    const commands = [COLUMNS + 10, 2 * COLUMNS, COLUMNS].map((width) => `status ${'x'.repeat(width - 18)}`);
    const echoes = (command: string) =>
      session.screen.lines().filter((l) => l === `trainyard> ${command}`).length;
    try {
      const answers = () => session.screen.lines().filter((l) => l.includes('is not a run')).length;
      for (const [i, command] of commands.entries()) {
        session.type(`${command}\r`);
        await eventually('the answer', () => answers() > i);
      }
      session.type('exit\r');
      assert.equal(await session.exited, 0);
    } finally {
      session.kill();
    }
    for (const command of commands) assert.equal(echoes(command), 1, session.screen.text());
    // No piece of a command was left on a row of its own.
    assert.ok(!session.screen.lines().some((l) => /^x+$/.test(l)), session.screen.text());
  });

  it('keeps what is being typed while the live card redraws above it', async () => {
    const data = dataFolder();
    const session = await consoleOnPty(data);
    try {
      session.type('sleep seconds=60\r');
      await eventually('the running card', () => /elapsed [1-9]s/.test(session.screen.text()));
      session.type('stat');
      await eventually('the typed text', () => session.screen.visibleRows().includes('trainyard> stat'));
      // The card ticks every second: wait for two redraws while `stat` sits at the prompt.
      const elapsed = () => Number(/elapsed (\d+)s/.exec(session.screen.visibleRows().join('\n'))?.[1]);
      const before = elapsed();
      await eventually('two more redraws', () => elapsed() >= before + 2);
      assert.equal(session.screen.visibleRows().filter((r) => r === 'trainyard> stat').length, 1);
      session.type('us 1\r');
      await eventually('the status', () => session.screen.text().includes('trainyard> status 1'));
      session.type('exit\r');
      assert.equal(await session.exited, 0);
    } finally {
      session.kill();
    }
    assert.ok(!session.screen.text().includes('trainyard> stat\n'), 'no half-typed command left behind');
  });

  it('keeps log lines off the screen: the log goes to TRAINYARD_DATA/trainyard.log, a warning is one line', async () => {
    const data = dataFolder();
    // PORT taken: `trainyard start` warns that health and metrics are not served.
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as { port: number }).port);
    const session = await consoleOnPty(data, ['start'], { PORT: port, HOST: '127.0.0.1' });
    try {
      await eventually('the warning', () => session.screen.text().includes('warning: health and metrics'));
      session.type('exit\r');
      assert.equal(await session.exited, 0);
    } finally {
      session.kill();
      taken.close();
    }
    assert.doesNotMatch(session.output(), /\{"time"/, 'no JSON log line on the terminal');
    const warning = session.screen.lines().filter((l) => l.includes('health and metrics'));
    assert.equal(warning.length, 1);
    assert.match(
      warning[0],
      /^warning: health and metrics are not served \(listen EADDRINUSE.*\); see .*trainyard\.log$/,
    );
    const logged = readFileSync(join(data, 'trainyard.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(
      logged.some((entry) => entry.level === 'warn' && entry.msg === 'health and metrics are not served'),
    );
    assert.ok(logged.some((entry) => entry.msg === 'trainyard starting' && entry.runtime === 'process'));
  });
});
