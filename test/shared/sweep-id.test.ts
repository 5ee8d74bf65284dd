import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSweepId, SWEEP_ID_PATTERN } from '../../src/shared/sweep-id.ts';

describe('newSweepId', () => {
  it('gives s- and 10 base36 characters, fit for a label value, different each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newSweepId()));
    assert.equal(ids.size, 100);
    for (const id of ids) assert.match(id, SWEEP_ID_PATTERN);
  });
});
