/**
 * kill -9 the bot again and again while a container prints, restart it each time from what was
 * persisted, and check that the log came through whole: no line twice, none lost. The "bot" is
 * this file run as a child process (TRAINYARD_KILL_TEST_STATE set): a Docker runtime whose sink
 * persists each delivery's lines and cursor in one write, as a store that keeps them together does.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../../src/adapters/images/DockerImageBuilder.ts';
import { createDockerRuntime } from '../../../../src/adapters/runtimes/docker/DockerRuntime.ts';
import type { Run } from '../../../../src/core/run/run.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import {
  BUSYBOX_DOCKERFILE,
  busyboxContext,
  dockerForTests,
  removeDir,
  removeTemplateImages,
  uniqueName,
} from '../../../support/docker-engine.ts';
import { eventually } from '../../../support/eventually.ts';
import { makeRun } from '../../../support/make-run.ts';

interface Persisted {
  placement?: { handle: string };
  lines: string[];
  cursor?: string;
}

/** What the killed bots persisted, in order: placement, and every delivery with its cursor. */
function readState(file: string): Persisted {
  const state: Persisted = { lines: [] };
  if (!existsSync(file)) return state;
  const rows = readFileSync(file, 'utf8').split('\n');
  // After the last newline: nothing, or a row a bot is writing as this reads it (not yet whole).
  rows.pop();
  for (const row of rows) {
    if (!row) continue;
    const record = JSON.parse(row) as { placement?: { handle: string }; lines?: string[]; cursor?: string };
    if (record.placement) state.placement = record.placement;
    if (record.lines) state.lines.push(...record.lines);
    if (record.cursor) state.cursor = record.cursor;
  }
  return state;
}

/** The bot: submits the run (first time) or recovers it from the persisted cursor, then follows it. */
async function child(stateFile: string, run: Run): Promise<void> {
  const state = readState(stateFile);
  const runtime = createDockerRuntime({
    config: {},
    log: silentLogger,
    network: 'none',
    stopGraceSeconds: 1,
  });
  await runtime.start({
    update: (_runId, update) => appendFileSync(stateFile, `${JSON.stringify({ update })}\n`),
    // Delivery and cursor in one write: a kill -9 keeps both or neither.
    log: (_runId, lines, cursor) => appendFileSync(stateFile, `${JSON.stringify({ lines, cursor })}\n`),
  });
  if (state.placement) {
    await runtime.recover([
      { ...run, state: 'running', placement: state.placement, logCursor: state.cursor },
    ]);
  } else {
    const placement = await runtime.submit(run);
    appendFileSync(stateFile, `${JSON.stringify({ placement })}\n`);
  }
  setInterval(() => {}, 1000);
}

const CHILD_STATE = process.env.TRAINYARD_KILL_TEST_STATE;
if (CHILD_STATE) {
  await child(CHILD_STATE, JSON.parse(process.env.TRAINYARD_KILL_TEST_RUN ?? '{}') as Run);
} else {
  const engine = await dockerForTests();
  const skip = 'skip' in engine ? engine.skip : false;
  const docker = 'docker' in engine ? engine.docker : new Docker();

  describe('Docker runtime, kill -9 and restart while a container prints', { skip }, () => {
    const template = uniqueName('ty-kill');
    let context = '';
    let image = '';
    let dir = '';
    const children = new Set<ChildProcess>();

    before(async () => {
      context = await busyboxContext(BUSYBOX_DOCKERFILE);
      const builder = createDockerImageBuilder({ config: {}, log: silentLogger, docker, env: {} });
      image = await builder.ensureImage(
        template,
        { context, dockerfile: 'Dockerfile', buildArgs: {} },
        () => {},
      );
      dir = mkdtempSync(join(tmpdir(), 'trainyard-kill-'));
    });

    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`trainyard.io/template=${template}`] },
      });
      for (const c of left)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
      await removeTemplateImages(docker, [template]);
      await removeDir(context);
      rmSync(dir, { recursive: true, force: true });
    });

    function startBot(stateFile: string, run: Run): ChildProcess {
      const bot = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: {
          ...process.env,
          TRAINYARD_KILL_TEST_STATE: stateFile,
          TRAINYARD_KILL_TEST_RUN: JSON.stringify(run),
        },
        stdio: 'ignore',
      });
      children.add(bot);
      bot.once('exit', () => children.delete(bot));
      return bot;
    }

    it('persists every line once across 6 kills, progress-bar redraws (\\r) included', async () => {
      const stateFile = join(dir, 'state.jsonl');
      // Each tick is one message with a carriage return inside (a tqdm-style redraw): two lines.
      const script =
        'i=0; trap "echo bye; exit 0" TERM; while true; do i=$((i+1)); printf "tick $i: 10%%\\rtick $i: 100%%\\n"; sleep 0.02; done';
      const run = makeRun(
        { number: 1, state: 'pending' },
        { template, image, command: ['/bin/busybox', 'sh', '-c'], args: [script] },
      );
      for (let kill = 0; kill < 6; kill++) {
        const seen = readState(stateFile).lines.length;
        const bot = startBot(stateFile, run);
        // Kill it while lines are flowing, a different moment each time.
        await eventually(
          'new lines to be persisted',
          () => readState(stateFile).lines.length > seen + 2 * (kill % 3),
        );
        bot.kill('SIGKILL');
        await new Promise((resolve) => bot.once('exit', resolve));
      }
      const last = startBot(stateFile, run);
      const placement = readState(stateFile).placement;
      assert.ok(placement, 'the run was placed once');
      const before = readState(stateFile).lines.length;
      await eventually('lines after the last restart', () => readState(stateFile).lines.length > before + 4);
      await docker.getContainer(placement.handle).kill({ signal: 'SIGTERM' });
      await eventually('the end of the log', () => readState(stateFile).lines.includes('bye'));
      last.kill('SIGKILL');

      const lines = readState(stateFile).lines;
      const ticks = lines.length - 1;
      assert.equal(ticks % 2, 0, 'each tick gives two lines');
      const expected = Array.from({ length: ticks / 2 }, (_, i) => [
        `tick ${i + 1}: 10%`,
        `tick ${i + 1}: 100%`,
      ]).flat();
      assert.deepEqual(lines, [...expected, 'bye'], 'every line once, in order, across every kill');
    });
  });
}
