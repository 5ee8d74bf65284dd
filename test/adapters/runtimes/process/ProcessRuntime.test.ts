import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ProcessRuntime } from '../../../../src/adapters/runtimes/process/ProcessRuntime.ts';
import { loadConfig } from '../../../../src/config/env.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { eventually } from '../../../support/eventually.ts';
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

  it('passes on the variables TRAINYARD_PROCESS_ENV lists, and still never a Slack token', async () => {
    const env = {
      PATH: process.env.PATH,
      HF_HOME: '/models/hf',
      WANDB_API_KEY: 'wandb-key',
      OTHER_SECRET: 'not listed',
      SLACK_BOT_TOKEN: 'xoxb-secret',
      SLACK_APP_TOKEN: 'xapp-secret',
      SLACK_SIGNING_SECRET: 'signing',
      TRAINYARD_PROCESS_ENV: 'HF_HOME, WANDB_API_KEY',
    };
    const listing = new ProcessRuntime({ log: silentLogger, env });
    const own = new RecordingSink();
    await listing.start(own);
    try {
      const print =
        'for (const k of ["HF_HOME","WANDB_API_KEY","OTHER_SECRET","SLACK_BOT_TOKEN","SLACK_APP_TOKEN","SLACK_SIGNING_SECRET"]) console.log(k + "=" + (process.env[k] ?? "-"))';
      const run = makeRun({}, { command: ['node', '-e', print] });
      await listing.submit(run);
      await own.ended(run.id);
      assert.deepEqual(own.linesOf(run.id), [
        'HF_HOME=/models/hf',
        'WANDB_API_KEY=wandb-key',
        'OTHER_SECRET=-',
        'SLACK_BOT_TOKEN=-',
        'SLACK_APP_TOKEN=-',
        'SLACK_SIGNING_SECRET=-',
      ]);
    } finally {
      await listing.close();
    }
    // Listing a Slack credential is refused when the bot starts, so it can never be passed on.
    assert.throws(
      () =>
        new ProcessRuntime({ log: silentLogger, env: { ...env, TRAINYARD_PROCESS_ENV: 'SLACK_BOT_TOKEN' } }),
      {
        name: 'ConfigError',
        message:
          "TRAINYARD_PROCESS_ENV may not pass SLACK_BOT_TOKEN to jobs: the bot's own credentials never reach a job; remove it from the list.",
      },
    );
    assert.throws(
      () => loadConfig({ TRAINYARD_PROCESS_ENV: 'HF_HOME,SLACK_APP_TOKEN' }),
      /may not pass SLACK_APP_TOKEN/,
    );
    assert.throws(() => loadConfig({ TRAINYARD_PROCESS_ENV: 'HF HOME' }), {
      message:
        'TRAINYARD_PROCESS_ENV must list variable names separated by commas (e.g. HF_HOME,WANDB_API_KEY); "HF HOME" is not one.',
    });
    assert.deepEqual(loadConfig({ TRAINYARD_PROCESS_ENV: 'HF_HOME,,WANDB_API_KEY,HF_HOME' }).processEnv, [
      'HF_HOME',
      'WANDB_API_KEY',
    ]);
    assert.deepEqual(loadConfig({}).processEnv, []);
  });

  it('refuses Kubernetes-only settings with one sentence, and runs nothing', async () => {
    const run = makeRun({}, { command: ['node', '-e', 'console.log("ran")'] });
    run.spec.job.secretEnv = { HF_TOKEN: { secret: 'hf', key: 'token' } };
    run.spec.job.serviceAccountName = 'trainer';
    const sentence =
      'Template demo uses job.secretEnv and job.serviceAccountName, which the process runtime cannot honour (only Kubernetes can); run it on a cluster (TRAINYARD_RUNTIME=kubernetes) or take them out of the template.';
    assert.equal(runtime.cannotHonour(run.spec), sentence);
    await assert.rejects(runtime.submit(run), { message: sentence });
    assert.deepEqual(sink.statesOf(run.id), []);
    assert.equal(runtime.cannotHonour(makeRun().spec), undefined);
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
    await eventually(
      "the job's child process to end with the stop (not outlive it)",
      () => !isAlive(childPid),
      {
        everyMs: 100,
      },
    );
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
