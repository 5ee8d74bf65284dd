import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headAndTail } from '../../../../src/adapters/chat/slack/head-and-tail.ts';

describe('headAndTail', () => {
  it('leaves a log that fits alone', () => {
    assert.equal(headAndTail('short log', 100), 'short log');
  });

  it('keeps the start and the longer end of a huge log and says how much was cut', () => {
    const log = `START${'x'.repeat(10_000)}END`;
    const kept = headAndTail(log, 1000);
    assert.ok(kept.startsWith('START') && kept.endsWith('END'));
    assert.match(kept, /… 9008 characters cut from the middle of this log …/);
    assert.ok(kept.length < 1100);
  });
});
