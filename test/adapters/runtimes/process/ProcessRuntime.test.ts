import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ProcessRuntime } from '../../../../src/adapters/runtimes/process/ProcessRuntime.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { makeRun } from '../../../support/make-run.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

describe('ProcessRuntime', () => {
  const sink = new RecordingSink();
  const runtime = new ProcessRuntime({
    log: silentLogger,
    graceMs: 300,
    env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-secret', HOME: '/tmp' },
  });
  before(() => runtime.start(sink));
  after(() => runtime.close());

  it('runs the command, streams its lines and ends succeeded', async () => {
    const run = makeRun(
      {},
      { command: ['node', '-e', 'console.log("epoch 1/2 loss=0.5"); console.error("warn")'] },
    );
    const placement = await runtime.submit(run);
    assert.match(placement.handle, /^pid \d+$/);
    await sink.ended(run.id);
    assert.deepEqual(sink.statesOf(run.id), ['running', 'succeeded']);
    assert.deepEqual([...(sink.lines.get(run.id) ?? [])].sort(), ['epoch 1/2 loss=0.5', 'warn']);
    assert.equal(sink.last(run.id)?.exitCode, 0);
  });

  it('passes param values as literal arguments, never through a shell', async () => {
    const evil = ['$(touch /tmp/trainyard-pwned)', '; reboot', '`id`', 'a\'b"c'];
    const run = makeRun(
      {},
      { command: ['node', '-e', 'for (const a of process.argv.slice(1)) console.log(a)', '--'], args: evil },
    );
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.deepEqual(sink.lines.get(run.id), evil);
  });

  it('keeps the bot secrets out of the job environment', async () => {
    const run = makeRun(
      {},
      {
        command: ['node', '-e', 'console.log(process.env.SLACK_BOT_TOKEN ?? "none", process.env.LR)'],
        env: { LR: '0.1' },
      },
    );
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.deepEqual(sink.lines.get(run.id), ['none 0.1']);
  });

  it('maps a non-zero exit code to failed with the code', async () => {
    const run = makeRun({}, { command: ['node', '-e', 'process.exit(3)'] });
    await runtime.submit(run);
    await sink.ended(run.id);
    const end = sink.last(run.id);
    assert.equal(end?.state, 'failed');
    assert.equal(end?.exitCode, 3);
    assert.match(end?.reason ?? '', /exited with code 3/);
  });

  it('says clearly when the program does not exist', async () => {
    const run = makeRun({}, { command: ['trainyard-no-such-program'] });
    await runtime.submit(run);
    await sink.ended(run.id);
    const end = sink.last(run.id);
    assert.equal(end?.state, 'failed');
    assert.match(end?.reason ?? '', /"trainyard-no-such-program" was not found/);
  });

  it('stops with SIGTERM, then SIGKILL for a job that ignores it, children included', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log('child ' + child.pid);
      process.on('SIGTERM', () => {});
      setInterval(() => {}, 1000);`;
    const run = makeRun({}, { command: ['node', '-e', script] });
    await runtime.submit(run);
    await sink.until('the lines', () => (sink.lines.get(run.id) ?? []).length > 0);
    const childPid = Number(sink.lines.get(run.id)?.[0].split(' ')[1]);
    await runtime.stop(run);
    await sink.ended(run.id);
    assert.equal(sink.last(run.id)?.state, 'stopped');
    for (let i = 0; i < 50 && isAlive(childPid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(isAlive(childPid), false, "the job's child process outlived the stop");
  });

  it('fails a run that passes its deadline', async () => {
    const run = makeRun(
      {},
      {
        command: ['node', '-e', 'setTimeout(() => {}, 60000)'],
        job: { backoffLimit: 0, activeDeadlineSeconds: 0.2 },
      },
    );
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.equal(sink.last(run.id)?.state, 'failed');
    assert.match(sink.last(run.id)?.reason ?? '', /DeadlineExceeded/);
  });

  it('reports runs from before a restart as lost', async () => {
    const run = makeRun({ state: 'running' });
    await runtime.recover([run]);
    assert.equal(sink.last(run.id)?.state, 'lost');
  });
});

/** Alive and not a zombie waiting to be reaped (containers may have no reaping init). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
