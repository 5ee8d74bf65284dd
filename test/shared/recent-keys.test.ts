import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentKeys } from '../../src/shared/recent-keys.ts';

describe('RecentKeys', () => {
  it('says yes once per key within the window, and again after it', () => {
    const keys = new RecentKeys(1000);
    assert.equal(keys.firstTime('trigger-1', 0), true);
    assert.equal(keys.firstTime('trigger-1', 999), false);
    assert.equal(keys.firstTime('trigger-2', 999), true);
    assert.equal(keys.firstTime('trigger-1', 1001), true);
  });

  it('forgets the oldest keys beyond its bound', () => {
    const keys = new RecentKeys(60_000, 2);
    keys.firstTime('a', 0);
    keys.firstTime('b', 1);
    keys.firstTime('c', 2);
    assert.equal(keys.firstTime('a', 3), true, 'a was evicted');
    assert.equal(keys.firstTime('c', 3), false);
  });
});
