import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSlackText, showInput, tokenize } from '../../../src/core/command/tokenize.ts';

function words(text: string): string[] {
  const result = tokenize(normalizeSlackText(text));
  assert.ok(result.ok, `expected words from ${text}`);
  return result.tokens.map((t) => t.text);
}

describe('normalizeSlackText', () => {
  it('decodes the three entities Slack escapes, & last so &amp;lt; stays literal', () => {
    assert.equal(normalizeSlackText('a &lt; b &gt; c &amp; d'), 'a < b > c & d');
    assert.equal(normalizeSlackText('&amp;lt;'), '&lt;');
  });

  it('keeps the id of user and channel mentions and drops the label', () => {
    assert.equal(normalizeSlackText('<@U123|bob> and <@W9>'), '<@U123> and <@W9>');
    assert.equal(normalizeSlackText('<#C42|general>'), '<#C42>');
    assert.equal(normalizeSlackText('<!here|here>'), '<!here>');
  });

  it('unwraps links to their url', () => {
    assert.equal(normalizeSlackText('<https://x.io/a?b=1&amp;c=2|x.io>'), 'https://x.io/a?b=1&c=2');
    assert.equal(normalizeSlackText('<http://example.com>'), 'http://example.com');
    assert.equal(normalizeSlackText('<mailto:a@b.c|a@b.c>'), 'mailto:a@b.c');
  });

  it('turns curly quotes into straight ones and drops zero-width characters', () => {
    assert.equal(normalizeSlackText('“a” ‘b’'), '"a" \'b\'');
    assert.equal(normalizeSlackText('de\u200Bmo'), 'demo');
  });
});

describe('tokenize', () => {
  it('splits on any run of whitespace, including tabs, newlines and NBSP', () => {
    assert.deepEqual(words('  demo \t epochs=3\u00A0\u00A0lr=0.1\n x=1\u3000y=2 '), [
      'demo',
      'epochs=3',
      'lr=0.1',
      'x=1',
      'y=2',
    ]);
  });

  it('returns no words for blank text', () => {
    assert.deepEqual(words(' \u00A0\t\n'), []);
  });

  it('keeps quoted values whole, after = or as a whole word', () => {
    assert.deepEqual(words(`note="two  words" tag='single one' "0 6 * * *"`), [
      'note=two  words',
      'tag=single one',
      '0 6 * * *',
    ]);
  });

  it('reads backslash escapes only inside double quotes', () => {
    assert.deepEqual(words(String.raw`a="say \"hi\" \\ \n" b='c\d' e=f\g`), [
      String.raw`a=say "hi" \ \n`,
      String.raw`b=c\d`,
      String.raw`e=f\g`,
    ]);
  });

  it('treats an apostrophe inside a bare word as a character', () => {
    assert.deepEqual(words("note=don't"), ["note=don't"]);
  });

  it('records where the first unquoted = is and whether the word was quoted', () => {
    const result = tokenize('a=b=c "x=y" --o="p q"');
    assert.ok(result.ok);
    assert.deepEqual(
      result.tokens.map((t) => [t.text, t.equals, t.quoted, t.raw]),
      [
        ['a=b=c', 1, false, 'a=b=c'],
        ['x=y', -1, true, '"x=y"'],
        ['--o=p q', 3, true, '--o="p q"'],
      ],
    );
  });

  it('turns line breaks inside quotes into spaces so values stay on one line', () => {
    assert.deepEqual(words('note="a\nb\tc"'), ['note=a b c']);
  });

  it('says which quote is not closed', () => {
    assert.deepEqual(tokenize('demo note="two words'), {
      ok: false,
      error:
        'The double quote that starts "two words is never closed; end the value with another ", e.g. note="two words".',
    });
    const single = tokenize("demo note='x");
    assert.ok(!single.ok);
    assert.match(single.error, /^The single quote that starts 'x is never closed/);
  });
});

describe('showInput', () => {
  it('quotes input on one line and cuts long input short', () => {
    assert.equal(showInput('a\nb'), '"a b"');
    assert.equal(showInput('x'.repeat(50), 10), `"${'x'.repeat(10)}…"`);
  });
});

describe('tokenize: search spaces of sweeps', () => {
  it('keeps a bracketed value whole across the spaces people type after commas', () => {
    assert.deepEqual(words('sweep demo lr=uniform(1e-4, 1e-1) epochs=[2, 4,  8] --trials 5'), [
      'sweep',
      'demo',
      'lr=uniform(1e-4, 1e-1)',
      'epochs=[2, 4, 8]',
      '--trials',
      '5',
    ]);
    assert.deepEqual(words('lr=loguniform(1e-4,1e-1) x=range( 1 , 9 , 2 )'), [
      'lr=loguniform(1e-4,1e-1)',
      'x=range( 1 , 9 , 2 )',
    ]);
  });

  it('reads spaces as Slack sends them, with curly quotes inside lists', () => {
    // The second item starts a word, so its quotes are read as quotes: the list parser sees sgd.
    assert.deepEqual(words('opt=[“adam”, “sgd”] note=&lt;x&gt;'), ['opt=["adam", sgd]', 'note=<x>']);
  });

  it('does not join when the bracket never closes, or across an option or another param', () => {
    assert.deepEqual(words('lr=uniform(1, 2 epochs=3'), ['lr=uniform(1,', '2', 'epochs=3']);
    assert.deepEqual(words('lr=uniform(1, --trials 2)'), ['lr=uniform(1,', '--trials', '2)']);
    assert.deepEqual(words('note="a (b" c)'), ['note=a (b', 'c)']);
    assert.deepEqual(words('(a b)'), ['(a', 'b)']);
  });
});
