import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACTIONS } from '../../../src/core/actions.ts';
import type { Run } from '../../../src/core/run/run.ts';
import type { Requester } from '../../../src/ports/chat.ts';
import { CommandDispatcher } from '../../../src/services/commands/CommandDispatcher.ts';
import { RunActions } from '../../../src/services/commands/RunActions.ts';
import { RunButtons } from '../../../src/services/commands/run-buttons.ts';
import { RunCommands } from '../../../src/services/commands/run-commands.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { alice, bob, close, launched, type World, world } from '../../support/hub-world.ts';
import { makeRun } from '../../support/make-run.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { RecordingChat } from '../../support/recording-chat.ts';

describe('CommandDispatcher: the door both chats enter by', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-door-')));
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('answers bad input with one sentence and creates nothing', async () => {
    for (const text of [
      'sleeep seconds=1',
      'sleep secs=1',
      'sleep seconds=abc',
      'sleep seconds=-1',
      'sleep --gpu lots',
    ]) {
      const outcome = await w.door.command(text, alice);
      assert.equal(outcome.reply?.kind, 'error');
      assert.deepEqual(outcome.started, []);
    }
    const errors = w.chat.errors();
    assert.equal(errors.length, 5);
    assert.match(errors[0], /Unknown template or command "sleeep"\. Did you mean "sleep"\?/);
    assert.match(errors[1], /secs/);
    for (const e of errors) assert.doesNotMatch(e, /\n|at .*\.ts/);
    assert.equal(w.store.listRuns().length, 0);
    assert.equal(w.runtime.submitted.length, 0);
  });

  it('parses knowing the templates: a stray word after a template is blamed, else the unknown first word', async () => {
    await w.door.command('sleep 99', alice);
    await w.door.command('foo 99', alice);
    const [stray, unknown] = w.chat.errors();
    assert.equal(stray, '"99" is not a name=value param; write params as name=value, e.g. epochs=5.');
    assert.match(
      unknown,
      /^Unknown template or command "foo"\. Templates: demo, demo-pipeline, evaluate, prep, resnet, sleep\.$/,
    );
  });

  it('answers sweeps with the sweeps service (none yet)', async () => {
    assert.deepEqual(await w.door.command('sweeps', alice), {
      reply: { kind: 'sweeps', sweeps: [] },
      started: [],
    });
    assert.equal(w.store.listRuns().length, 0);
  });

  it('refuses what the policy refuses', async () => {
    await w.door.command('sleep --gpu 8', alice);
    assert.deepEqual(w.chat.errors(), ['At most 4 GPUs per run.']);
    assert.equal(w.store.listRuns().length, 0);
  });

  it('never launches twice for a retried delivery', async () => {
    const first = await w.door.command('sleep seconds=1', alice, 'trigger-1');
    const again = await w.door.command('sleep seconds=1', alice, 'trigger-1');
    assert.equal(w.store.listRuns().length, 1);
    assert.equal(first.started.length, 1);
    assert.deepEqual(again, { started: [] });
  });

  it('says which runs a command started, for `console -e` to wait on', async () => {
    const outcome = await w.door.command('sleep seconds=1', alice);
    assert.equal(outcome.reply, undefined);
    assert.deepEqual(
      outcome.started.map((r) => r.id),
      w.store.listRuns().map((r) => r.id),
    );
    const help = await w.door.command('help', alice);
    assert.deepEqual(help, { reply: { kind: 'help' }, started: [] });
  });

  it('lets only the launcher or an admin stop a run', async () => {
    const run = await launched(w, 'sleep seconds=100');
    await w.door.action(ACTIONS.stop, run.id, bob, 'press-1');
    assert.match(w.chat.errors()[0], /Only <@UALICE> or an admin can stop run #\d+/);
    assert.deepEqual(w.runtime.stopped, []);
    const ended = w.hub.runs.whenEnded(run.id);
    await w.door.action(ACTIONS.stop, run.id, alice, 'press-2');
    await w.door.action(ACTIONS.stop, run.id, alice, 'press-2');
    assert.deepEqual(w.runtime.stopped, [run.id]);
    const final = await ended;
    assert.equal(final.state, 'stopped');
    assert.equal(final.stoppedBy, 'UALICE');
    await w.door.command(`stop ${run.number}`, alice);
    assert.match(JSON.stringify(w.chat.answers.at(-1)?.reply), /already ended/);
  });

  it('reruns with the same params, as the person who asked, with overrides', async () => {
    const run = await launched(w, 'sleep seconds=5 exit_code=2');
    const again = await launched(w, `rerun #${run.number} seconds=7`, bob);
    assert.equal(again.launchedBy, 'UBOB');
    assert.equal(again.rerunOf, run.id);
    assert.deepEqual(again.origin, { kind: 'rerun', runId: run.id, runNumber: run.number });
    assert.deepEqual(again.spec.params, { seconds: 7, exit_code: 2 });
    assert.ok(again.number > run.number);
  });

  it('posts logs in the card thread for the Logs button and is polite about unknown buttons', async () => {
    const run = await launched(w, 'sleep seconds=5');
    w.runtime.logs(run.id, ['hello']);
    await w.door.action(ACTIONS.logs, run.id, bob);
    assert.equal(w.chat.threads.length, 1);
    assert.deepEqual((w.chat.threads[0].reply as { lines: string[] }).lines, ['hello']);
    await w.door.action('run_explode', run.id, bob);
    await w.door.action(ACTIONS.stop, 'r-doesnotexist', bob);
    assert.equal(w.chat.errors().length, 2);
  });
});

describe('CommandDispatcher: lookups reach history no longer kept in memory', () => {
  /** A store whose older runs are archived: only loadRun and loadRunByNumber still find them. */
  class ArchivingStore extends MemoryStore {
    readonly archived = new Map<string, Run>();
    override async loadRun(id: string): Promise<Run | undefined> {
      return this.archived.get(id) ?? super.loadRun(id);
    }
    override async loadRunByNumber(n: number): Promise<Run | undefined> {
      return [...this.archived.values()].find((r) => r.number === n) ?? super.loadRunByNumber(n);
    }
  }

  it('answers status, logs, stop, rerun and the buttons for an archived run', async () => {
    const store = new ArchivingStore();
    const old = makeRun({
      id: 'r-archived00',
      number: 7,
      state: 'succeeded',
      card: { channel: 'C1', ts: '1.1' },
    });
    store.archived.set(old.id, old);
    const chat = new RecordingChat();
    const launches: string[] = [];
    const stops: string[] = [];
    const from: Requester = alice;
    const runs = {
      async launch(req: { origin?: unknown }) {
        launches.push(JSON.stringify(req.origin));
        return { ok: false as const, error: 'not today' };
      },
      async stop(runId: string) {
        stops.push(runId);
      },
    };
    const actions = new RunActions({
      launcher: runs,
      logs: { tail: async () => ['the end'] },
      runtime: {},
      policy: { mayStop: () => true },
    });
    const templates = async () => ({ templates: new Map(), broken: new Map() });
    const door = new CommandDispatcher({
      store,
      templates,
      chat,
      log: silentLogger,
      commands: [new RunCommands({ store, templates, actions })],
      buttons: [new RunButtons({ store, chat, actions })],
    });
    await door.command('status 7', from);
    assert.equal(chat.answers.at(-1)?.reply.kind, 'run');
    await door.command('logs #7', from);
    assert.deepEqual(chat.logLines(), ['the end']);
    await door.command('stop r-archived00', from);
    assert.match(JSON.stringify(chat.answers.at(-1)?.reply), /already ended/);
    await door.command('rerun 7', from);
    await door.action(ACTIONS.rerun, old.id, from);
    assert.deepEqual(launches, [
      JSON.stringify({ kind: 'rerun', runId: old.id, runNumber: 7 }),
      JSON.stringify({ kind: 'rerun', runId: old.id, runNumber: 7 }),
    ]);
    await door.action(ACTIONS.logs, old.id, from);
    assert.deepEqual(chat.logLines('thread'), ['the end']);
    await door.command('status 8', from);
    assert.deepEqual(chat.errors().at(-1), 'There is no run #8; /train list shows recent runs.');
    assert.deepEqual(stops, []);
  });

  it('asks the numbered groups about a number no run has, in order, and only for status, logs and stop', async () => {
    const store = new MemoryStore();
    const chat = new RecordingChat();
    const asked: string[] = [];
    const group = (name: string, owns: number) => ({
      async onNumber(verb: string, ref: { kind: string; number?: number }) {
        asked.push(`${name}:${verb}:${ref.number}`);
        return ref.number === owns
          ? { reply: { kind: 'info' as const, text: `${name} #${owns}` }, started: [] }
          : undefined;
      },
    });
    const actions = new RunActions({
      launcher: { launch: async () => ({ ok: false as const, error: 'no' }), stop: async () => {} },
      logs: { tail: async () => [] },
      runtime: {},
      policy: { mayStop: () => true },
    });
    store.saveRun(makeRun({ number: 3 }));
    const templates = async () => ({ templates: new Map(), broken: new Map() });
    const door = new CommandDispatcher({
      store,
      templates,
      chat,
      log: silentLogger,
      commands: [
        new RunCommands({ store, templates, actions, groups: [group('sweep', 57), group('pipeline', 58)] }),
      ],
      buttons: [],
    });
    assert.equal((await door.command('status 58', alice)).reply?.kind, 'info');
    assert.deepEqual(asked, ['sweep:status:58', 'pipeline:status:58']);
    assert.match(JSON.stringify((await door.command('stop 57', alice)).reply), /sweep #57/);
    asked.length = 0;
    await door.command('status 3', alice);
    await door.command('rerun 57', alice);
    assert.deepEqual(asked, [], 'a run number, or rerun, never reaches the groups');
    await door.command('logs 99', alice);
    assert.deepEqual(chat.errors().at(-1), 'There is no run #99; /train list shows recent runs.');
  });
});
