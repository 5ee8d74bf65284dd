import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLaunchedText } from '../../../src/views/text/notice-text.ts';
import { renderRunCardText } from '../../../src/views/text/run-card-text.ts';
import { makeRun } from '../blocks/fixtures.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');
const NOTE = 'The process runtime reserves no GPUs, so the 1 GPU this run asks for is not set aside for it.';

describe('the console run card and launch line', () => {
  it('name the runtime the run is on, with its place there', () => {
    const run = makeRun({ runtime: 'kubernetes' });
    assert.ok(
      renderRunCardText(run, NOW).some((l) => l.endsWith('·  by @U123  ·  kubernetes: ml/resnet-42-x7k2')),
    );
    assert.deepEqual(renderLaunchedText(run), [
      '🚂 Launched run #42 (resnet) as r-abc123def4 on the kubernetes runtime.',
    ]);
  });

  it('say in one sentence what the runtime leaves out', () => {
    const run = makeRun({ runtime: 'process', runtimeNote: NOTE, placement: { handle: 'pid 7' } });
    assert.ok(renderRunCardText(run, NOW).includes(`   ⚠ ${NOTE}`));
    assert.deepEqual(renderLaunchedText(run), [
      '🚂 Launched run #42 (resnet) as r-abc123def4 on the process runtime.',
      `   ⚠ ${NOTE}`,
    ]);
  });

  it('stay as they were for runs stored before the runtime was recorded', () => {
    const run = makeRun();
    assert.ok(renderRunCardText(run, NOW).some((l) => l.endsWith('·  by @U123  ·  ml/resnet-42-x7k2')));
    assert.deepEqual(renderLaunchedText(run), ['🚂 Launched run #42 (resnet) as r-abc123def4.']);
  });
});
