import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_VERBS, parseCommand } from '../../../src/core/command/parse-command.ts';
import { USAGE } from '../../../src/core/command/usage.ts';

describe('USAGE', () => {
  it('describes launch and every verb exactly once', () => {
    assert.deepEqual(
      USAGE.map((u) => u.verb),
      ['launch', ...COMMAND_VERBS],
    );
  });

  it('gives each verb a /train usage line and a one-line description', () => {
    for (const { verb, usage, description } of USAGE) {
      assert.match(usage, /^\/train /, verb);
      if (verb !== 'launch') assert.ok(usage.startsWith(`/train ${verb}`), verb);
      assert.match(description, /^[A-Z][^\n]*\.$/, verb);
    }
  });

  it('shows usage lines that name the verb the parser reads', () => {
    for (const { verb, usage } of USAGE) {
      // Fill the placeholders with sample values; the result must parse as the same verb.
      const example = usage
        .replace(/\[[^\]]*\]/g, '')
        .replace('"<cron>"', '"0 6 * * *"')
        .replace('<template>', 'demo')
        .replace('<run>', '42')
        .replace('<name>', 'nightly');
      const result = parseCommand(example);
      assert.ok(result.ok, `${example}: ${result.ok ? '' : result.error}`);
      assert.equal(result.command.verb, verb, example);
    }
  });
});
