import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codeText, sentence, userMention } from '../../../src/core/sentence.ts';
import {
  code,
  codeBlock,
  escapeMrkdwn,
  inline,
  md,
  mention,
  plain,
  sentenceMd,
  truncateMrkdwn,
} from '../../../src/views/blocks/mrkdwn.ts';
import { hostileText } from '../../support/hostile-text.ts';
import { assertSafeMrkdwn } from '../../support/view-checks.ts';

describe('escapeMrkdwn', () => {
  it('turns &, < and > into entities and backticks into a look-alike', () => {
    assert.equal(escapeMrkdwn('boom <!channel> & `x`'), 'boom &lt;!channel&gt; &amp; ˋxˋ');
    assert.equal(escapeMrkdwn('&lt;!here&gt;'), '&amp;lt;!here&amp;gt;');
    assert.equal(escapeMrkdwn('```'), 'ˋˋˋ');
  });
});

describe('md', () => {
  it("keeps Trainyard's markup in the literal parts and escapes every interpolated string", () => {
    const value = '`a` <@U1>';
    assert.equal(md`*Params*\n\`${value}\``.mrkdwn, '*Params*\n`ˋaˋ &lt;@U1&gt;`');
  });

  it('escapes <, > and & in literal parts too, so a placeholder such as <template> stays text', () => {
    assert.equal(md`/train <template> & more`.mrkdwn, '/train &lt;template&gt; &amp; more');
  });

  it('keeps composed mrkdwn as it is', () => {
    assert.equal(md`by ${mention('U42')}`.mrkdwn, 'by <@U42>');
  });
});

describe('inline', () => {
  it('escapes like plain and keeps the text on one line', () => {
    assert.equal(inline('a\r\n\nb <!here>\u2028`c`').mrkdwn, 'a b &lt;!here&gt; ˋcˋ');
    assert.equal(inline('<'.repeat(50), 9).mrkdwn, '&lt;&lt;…');
  });
});

describe('mention', () => {
  it('mentions an id-shaped user id and shows anything else as text', () => {
    assert.equal(mention('U0123ABC').mrkdwn, '<@U0123ABC>');
    assert.equal(mention('U1><!channel').mrkdwn, '@U1&gt;&lt;!channel');
  });
});

describe('code', () => {
  it('keeps one line, escapes, and cuts long text inside the span', () => {
    assert.equal(code('a\nb').mrkdwn, '`a↵b`');
    assert.equal(code('').mrkdwn, '` `');
    const long = code('<'.repeat(100), 20).mrkdwn;
    assert.ok(long.length <= 22 && long.endsWith('…`'), long);
    assert.ok(!/&(?!lt;)[^…]/.test(long.slice(1, -2)), 'no entity cut in half');
  });
});

describe('sentenceMd', () => {
  it('escapes the text of a sentence and applies its mentions and code', () => {
    const said = sentence`Only ${userMention('U1')} may stop "${'<!channel>'}"; see ${codeText('/train help')}.`;
    assert.equal(sentenceMd(said).mrkdwn, 'Only <@U1> may stop "&lt;!channel&gt;"; see `/train help`.');
    assert.equal(sentenceMd('stopped by <@U9>').mrkdwn, 'stopped by &lt;@U9&gt;');
  });
});

describe('codeBlock', () => {
  it('neutralises fences and mentions in log lines', () => {
    const block = codeBlock(['ok', '```', '<!channel> boom']).mrkdwn;
    assert.equal(block, '```\nok\nˋˋˋ\n&lt;!channel&gt; boom\n```');
  });
});

describe('truncateMrkdwn', () => {
  it('never cuts inside an entity, a mention or an emoji', () => {
    assert.equal(truncateMrkdwn('ab&amp;cd', 5), 'ab…');
    assert.equal(truncateMrkdwn('hi <@U123456> there', 9), 'hi …');
    assert.equal(truncateMrkdwn('a🚂🚂🚂', 3), 'a…');
  });

  it('closes a code block it cuts and never leaves a code span open', () => {
    const block = codeBlock(['x'.repeat(100)]).mrkdwn;
    const cut = truncateMrkdwn(`*Log*\n${block}`, 60);
    assert.ok(cut.length <= 60);
    assert.equal(cut.split('```').length - 1, 2);
    assert.equal(truncateMrkdwn('see `some long code here` now', 12), 'see …');
  });

  it('keeps composed mrkdwn safe and within the limit, whatever was put in (property)', () => {
    fc.assert(
      fc.property(hostileText(), fc.integer({ min: 1, max: 400 }), (input, max) => {
        const composed = md`*${plain(input, 300)}* ${code(input, 100)} ${mention('U1')}\n${codeBlock([input, input], 200)}`;
        const cut = truncateMrkdwn(composed.mrkdwn, max);
        assert.ok(cut.length <= max, `${cut.length} > ${max}`);
        assertSafeMrkdwn(cut, ['U1']);
      }),
      { numRuns: 300 },
    );
  });
});
