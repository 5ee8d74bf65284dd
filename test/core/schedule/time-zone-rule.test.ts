import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/env.ts';
import { parseCommand } from '../../../src/core/command/parse-command.ts';
import { canonicalTimeZone, isKnownTimeZone } from '../../../src/core/schedule/zoned-time.ts';

/** One time-zone rule for TRAINYARD_TIMEZONE, `--tz` and schedules. */
describe('the time-zone rule', () => {
  it('gives the canonical IANA spelling of a zone Intl knows, whatever its case', () => {
    assert.equal(canonicalTimeZone('europe/berlin'), 'Europe/Berlin');
    assert.equal(canonicalTimeZone('utc'), 'UTC');
    assert.equal(canonicalTimeZone('Mars/Olympus_Mons'), undefined);
    assert.equal(canonicalTimeZone(''), undefined);
  });

  for (const zone of [
    'Europe/Berlin',
    'utc',
    'America/New_York',
    'Mars/Olympus_Mons',
    'Europe/Berlin; rm -rf /',
  ]) {
    it(`config, command and schedule agree on ${JSON.stringify(zone)}`, () => {
      const known = isKnownTimeZone(zone);
      const parsed = parseCommand(`schedule "0 6 * * *" demo --tz ${JSON.stringify(zone)}`);
      assert.equal(parsed.ok, known, parsed.ok ? '' : parsed.error);
      let configured = true;
      try {
        loadConfig({ TRAINYARD_TIMEZONE: zone });
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        configured = false;
      }
      assert.equal(configured, known);
    });
  }
});
