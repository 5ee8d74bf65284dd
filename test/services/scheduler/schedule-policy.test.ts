import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createPolicy } from '../../../src/config/policy.ts';
import { sentenceText } from '../../../src/core/sentence.ts';
import { close, type World, world } from '../../support/hub-world.ts';

const owner = { user: 'UOWNER', channel: 'CLAB' };

describe('Schedules are checked against the policy when they are created', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-schedule-policy-')), {
      policy: createPolicy({
        admins: [],
        channels: { CLAB: ['resnet', 'sleep'], '*': ['sleep'] },
        maxGpusPerRun: 2,
        maxConcurrentRunsPerUser: 1,
      }),
    });
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('refuses, in one sentence and storing nothing, what a launch by the owner in that channel would be refused', async () => {
    const refused: [string, typeof owner, RegExp][] = [
      [
        'schedule "0 2 * * *" resnet',
        { user: 'UOWNER', channel: 'COTHER' },
        /^Template resnet may not be launched in this channel; allowed here: sleep\.$/,
      ],
      [
        'schedule "0 2 * * *" resnet gpus=4',
        owner,
        /^This run asks for 4 GPUs but the limit is 2 per run; ask for 2 or fewer\.$/,
      ],
    ];
    for (const [text, from, sentence] of refused) {
      const outcome = await w.door.command(text, from);
      assert.equal(outcome.reply?.kind, 'error');
      assert.match(outcome.reply?.kind === 'error' ? sentenceText(outcome.reply.text) : '', sentence);
    }
    assert.deepEqual(w.store.listSchedules(), []);
  });

  it('accepts what the owner may launch there, whatever runs they have going right now', async () => {
    await w.door.command('sleep seconds=600', owner);
    assert.equal(w.store.listRuns({ active: true }).length, 1, 'the owner is at their limit of one run');
    const outcome = await w.door.command('schedule "0 2 * * *" resnet gpus=2 --name nightly', owner);
    assert.equal(outcome.reply?.kind, 'schedule');
    assert.deepEqual(
      w.store.listSchedules().map((s) => [s.name, s.owner, s.channel]),
      [['nightly', 'UOWNER', 'CLAB']],
    );
  });
});
