import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimedKeys } from '../../../src/adapters/store/ClaimedKeys.ts';

const members = (keys: ClaimedKeys, now: number) => JSON.parse(`{${keys.lines(now).join(',')}}`);

describe('ClaimedKeys', () => {
  it('claims a key once until it expires, then again', () => {
    const keys = new ClaimedKeys({ ttlMs: 100, max: 10, chunkSize: 2 });
    assert.equal(keys.claim('a', 0), true);
    assert.equal(keys.claim('a', 99), false);
    assert.equal(keys.claim('a', 100), true);
    assert.equal(keys.claim('a', 150), false);
    assert.deepEqual(members(keys, 150), { a: 200 }, 'the later entry wins in the file');
  });

  it('a key claimed again is not forgotten with its old chunk', () => {
    const keys = new ClaimedKeys({ ttlMs: 100, max: 10, chunkSize: 2 });
    keys.claim('a', 0);
    keys.claim('b', 10);
    keys.claim('a', 100);
    keys.claim('c', 120);
    // The first chunk (a@100, b@110) has expired by 115; a's newer claim lives on.
    assert.deepEqual(members(keys, 115), { a: 200, c: 220 });
    assert.equal(keys.claim('a', 115), false);
    assert.equal(keys.claim('b', 115), true);
  });

  it('stays bounded, forgetting the oldest chunk first, and reloads what it wrote', () => {
    const keys = new ClaimedKeys({ ttlMs: 1000, max: 5, chunkSize: 2 });
    for (let i = 0; i < 8; i++) keys.claim(`k${i}`, i);
    assert.ok(keys.size <= 5);
    const written = members(keys, 10);
    assert.equal('k0' in written, false);
    assert.equal(written.k7, 1007);
    const again = new ClaimedKeys({ ttlMs: 1000, max: 5, chunkSize: 2 });
    again.load(written, 10);
    assert.equal(again.claim('k7', 11), false);
    assert.equal(again.claim('k0', 11), true);
    again.load({ old: 5 }, 10);
    assert.equal(again.claim('old', 11), true, 'expired keys are not loaded');
  });
});
