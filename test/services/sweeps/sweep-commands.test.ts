import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createPolicy } from '../../../src/config/policy.ts';
import { ACTIONS } from '../../../src/core/actions.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, bob, close, settle, type World, type WorldOptions, world } from '../../support/hub-world.ts';
import {
  current,
  instantBuilder,
  newestSweep,
  playSweep,
  playTrial,
  startSweep,
  submittedTrials,
} from '../../support/sweep-driver.ts';

describe('Sweep buttons, policy and bad input', () => {
  let w: World | undefined;
  const open = async (opts: WorldOptions = {}) => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-sweep-cmds-')), {
      builder: instantBuilder,
      ...opts,
    });
    return w;
  };
  afterEach(async () => {
    if (!w) return;
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
    w = undefined;
  });

  it('Rerun best launches a normal run with the best params as the presser, in the sweep’s channel', async () => {
    const w = await open();
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] epochs=[2] --parallel 3');
    await playSweep(w, sweep.id, (run) => [run.spec.params.lr === 0.1 ? 0.9 : 0.4]);
    await w.door.action(ACTIONS.sweepRerunBest, sweep.id, { user: bob.user, channel: 'COTHER' });
    assert.deepEqual(w.chat.errors(), []);
    await eventually('the sweep to move on', () => w.runtime.submitted.length === 4);
    const rerun = w.runtime.submitted[3];
    assert.equal(rerun.launchedBy, bob.user);
    assert.equal(rerun.channel, sweep.channel);
    assert.equal(rerun.quiet, undefined, 'a normal run, with a card of its own');
    assert.equal(rerun.parent, undefined);
    assert.equal(rerun.spec.params.lr, 0.1);
    assert.equal(rerun.origin?.kind, 'rerun');
    // The best trial by number too, so the rerun can name it once it has left the store's memory.
    const best = w.runtime.submitted.find((r) => r.quiet && r.spec.params.lr === 0.1);
    assert.deepEqual(rerun.origin, { kind: 'rerun', runId: best?.id, runNumber: best?.number });
    assert.equal(w.chat.cards.length, 1);
  });

  it('Logs of best answers in the card’s thread; Stop sweep is for the launcher or an admin', async () => {
    const w = await open();
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] epochs=[2] --parallel 2');
    await eventually('the sweep to move on', () => submittedTrials(w).length === 2);
    await eventually('the sweep to move on', () => !!current(w, sweep.id).card);
    await w.door.action(ACTIONS.sweepLogsOfBest, sweep.id, alice);
    assert.match(JSON.stringify(w.chat.answers.at(-1)?.reply), /no succeeded trial yet/);
    const [first] = submittedTrials(w);
    playTrial(w, first, [0.7]);
    await eventually('the sweep to move on', () => current(w, sweep.id).trials[0].state === 'succeeded');
    await w.door.action(ACTIONS.sweepLogsOfBest, sweep.id, bob);
    const thread = w.chat.threads.at(-1);
    assert.equal(thread?.reply.kind, 'logs');
    assert.deepEqual(thread?.run.card, current(w, sweep.id).card, 'posted under the sweep card');
    assert.deepEqual(w.chat.logLines('thread'), ['epoch 1/1 loss=0.300 acc=0.7']);

    await w.door.action(ACTIONS.sweepStop, sweep.id, bob);
    assert.match(w.chat.errors().at(-1) ?? '', /^Only <@UALICE> or an admin can stop sweep #\d+\.$/);
    assert.equal(current(w, sweep.id).stopRequest, undefined);
    await w.door.action(ACTIONS.sweepStop, sweep.id, { user: 'UADMIN', channel: 'CML' });
    const ended = await w.hub.sweeps.whenEnded(sweep.id);
    assert.equal(ended.state, 'stopped');
    await w.door.action(ACTIONS.sweepStop, 's-unknown000', alice);
    assert.match(w.chat.errors().at(-1) ?? '', /no longer known/);
  });

  it('caps --parallel by maxParallelTrials and says so; a sweep counts as one run; GPUs and templates per trial', async () => {
    const policy = createPolicy({
      admins: [],
      channels: { CML: ['demo', 'sleep'], '*': ['sleep'] },
      maxConcurrentRunsPerUser: 2,
      maxGpusPerRun: 1,
      maxParallelTrials: 2,
    });
    const w = await open({ policy });
    const outcome = await w.door.command('sweep demo lr=[0.01,0.1,1,2] --parallel 10', alice);
    assert.equal(outcome.reply?.kind, 'info');
    assert.match(
      JSON.stringify(outcome.reply),
      /This workspace runs at most 2 trials of a sweep at once, so 2 run at a time instead of 10\./,
    );
    assert.equal(outcome.groups?.length, 1);
    const id = newestSweep(w)?.id ?? '';
    assert.equal(current(w, id).definition.parallel, 2);
    await eventually('the sweep to move on', () => submittedTrials(w).length === 2);
    // Two trials going count as one run: one more run fits under the limit of 2, a second does not.
    await w.door.command('sleep seconds=100', alice);
    assert.deepEqual(w.chat.errors(), []);
    await w.door.command('sleep seconds=100', alice);
    assert.deepEqual(w.chat.errors(), ['You already have 2 runs going (the limit is 2); stop one or wait.']);
    const another = await w.door.command('sweep demo lr=[0.01,0.1]', alice);
    assert.equal(another.groups, undefined);
    assert.equal(w.chat.errors().at(-1), 'You already have 2 runs going (the limit is 2); stop one or wait.');
    // A trial asks for the GPUs the sweep asks for; the channel's templates hold as for a launch.
    await w.door.command('sweep demo lr=[0.01,0.1] --gpu 2', bob);
    assert.equal(
      w.chat.errors().at(-1),
      'This run asks for 2 GPUs but the limit is 1 per run; ask for 1 or fewer.',
    );
    await w.door.command('sweep demo lr=[0.01,0.1]', { user: bob.user, channel: 'COTHER' });
    assert.equal(
      w.chat.errors().at(-1),
      'Template demo may not be launched in this channel; allowed here: sleep.',
    );
    assert.equal(w.store.sweeps.list().length, 1, 'refused sweeps store nothing');
  });

  const refusals: [string, RegExp][] = [
    ['sweep demo foo=[1,2]', /^demo has no param "?foo"?; its params are epochs, lr, epoch_seconds\./],
    [
      'sweep demo epochs=range(1,5000,1)',
      /reaches 5000, but epochs must be a whole number from 1 to 1000\.$/,
    ],
    ['sweep demo epochs=range(5,1,1)', /runs backwards \(start 5 is above stop 1\)/],
    ['sweep demo epochs=[]', /lists no values; write a list as \[a,b,c\]\.$/],
    ['sweep demo lr=uniform(1,0)', /needs lo below hi/],
    ['sweep demo lr=loguniform(0,1)', /needs lo above 0, since a log scale never reaches 0/],
    ['sweep demo lr=uniform(0.1,1) --algo grid', /^--algo grid tries every combination/],
    [
      'sweep demo epochs=range(1,1000,1) lr=[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,1.1]',
      /more than 10,000 combinations/,
    ],
    ['sweep sleep seconds=[1,2]', /^This sweep has no metric to optimise/],
    [
      'sweep demo lr=[0.1,1] --parallel 0',
      /^--parallel must be a whole number from 1 to 1,000, not "?0"?\.$/,
    ],
    ['sweep demo lr=uniform(0.1,1) --trials 1001', /^--trials must be a whole number from 1 to 1,000/],
    ['sweep demo lr=[0.1,1] --algo bayes', /^--algo must be grid, random or tpe/],
    ['sweep demo lr=[0.1,1] --metric loss', /needs a direction/],
    ['sweep nosuch lr=[0.1]', /Unknown template or command "nosuch"/],
    ['sweep demo epochs=5', /at least one param with a search space/],
  ];

  it('refuses bad input with one sentence and launches nothing', async () => {
    const w = await open();
    for (const [text, expected] of refusals) {
      const before = w.chat.answers.length;
      const outcome = await w.door.command(text, alice);
      assert.equal(outcome.reply?.kind, 'error', text);
      assert.equal(outcome.groups, undefined, text);
      const answers = w.chat.answers.slice(before);
      assert.equal(answers.length, 1, `${text}: one answer`);
      const sentence = w.chat.errors().at(-1) ?? '';
      assert.match(sentence, expected, text);
      assert.doesNotMatch(sentence, /\n|\bat .*\.ts:\d+/, `${text}: one sentence, no stack`);
    }
    await settle(() => false, 5);
    assert.equal(w.store.sweeps.list().length, 0);
    assert.equal(w.store.listRuns().length, 0);
    assert.equal(w.runtime.submitted.length, 0);
    assert.equal(w.chat.groupCards.length, 0);
  });
});
