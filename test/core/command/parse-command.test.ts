import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '../../../src/core/command/command.ts';
import { MAX_COMMAND_CHARS, parseCommand } from '../../../src/core/command/parse-command.ts';

function parsed(text: string): Command {
  const result = parseCommand(text);
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse, got: ${result.ok ? '' : result.error}`);
  return result.command;
}

function failure(text: string, templates?: readonly string[]): string {
  const result = parseCommand(text, { templates });
  assert.ok(!result.ok, `expected ${JSON.stringify(text)} to be refused, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('parseCommand: launch', () => {
  it('reads the template, params and options', () => {
    assert.deepEqual(parsed('demo epochs=3 lr=0.01 --gpus 2 --queue=fast'), {
      verb: 'launch',
      template: 'demo',
      params: { epochs: '3', lr: '0.01' },
      options: { gpus: '2', queue: 'fast' },
    });
  });

  it('accepts a template alone', () => {
    assert.deepEqual(parsed('demo'), { verb: 'launch', template: 'demo', params: {}, options: {} });
  });

  it('drops a leading /train typed in the console', () => {
    assert.deepEqual(parsed('/train demo epochs=3'), parsed('demo epochs=3'));
    assert.deepEqual(parsed('/TRAIN list'), { verb: 'list' });
  });

  it('takes model=<template> anywhere among the params as the template', () => {
    const expected = {
      verb: 'launch',
      template: 'resnet',
      params: { epochs: '30', lr: '0.01' },
      options: {},
    };
    assert.deepEqual(parsed('model=resnet epochs=30 lr=0.01'), expected);
    assert.deepEqual(parsed('epochs=30 model=resnet lr=0.01'), expected);
    assert.deepEqual(parsed('--gpus 1 model=resnet'), {
      verb: 'launch',
      template: 'resnet',
      params: {},
      options: { gpus: '1' },
    });
  });

  it('keeps model= as an ordinary param when the template is named first', () => {
    assert.deepEqual(parsed('resnet model=resnet50'), {
      verb: 'launch',
      template: 'resnet',
      params: { model: 'resnet50' },
      options: {},
    });
  });

  it('treats a first word that is not a verb as a template name, whatever its case', () => {
    assert.equal((parsed('stpo') as { template: string }).template, 'stpo');
    assert.equal((parsed('My_Model.v2') as { template: string }).template, 'My_Model.v2');
  });

  it('keeps values with shell syntax as literal text', () => {
    assert.deepEqual(parsed('demo cmd="$(rm -rf /)" tail="; reboot" pipe=a|b back=`id`'), {
      verb: 'launch',
      template: 'demo',
      params: { cmd: '$(rm -rf /)', tail: '; reboot', pipe: 'a|b', back: '`id`' },
      options: {},
    });
  });

  it('splits name=value at the first = only', () => {
    assert.deepEqual((parsed('demo expr=a=b') as { params: object }).params, { expr: 'a=b' });
  });

  it('allows an explicitly quoted empty value', () => {
    assert.deepEqual((parsed('demo note=""') as { params: object }).params, { note: '' });
  });

  it('accepts param names with _, . and -', () => {
    assert.deepEqual((parsed('demo _x=1 a.b=2 c-d=3 E9=4') as { params: object }).params, {
      _x: '1',
      'a.b': '2',
      'c-d': '3',
      E9: '4',
    });
  });

  it('keeps a param named __proto__ as an ordinary key', () => {
    const { params } = parsed('demo __proto__=1') as { params: Record<string, string> };
    assert.equal(Object.getPrototypeOf(params), Object.prototype);
    assert.deepEqual(Object.entries(params), [['__proto__', '1']]);
  });

  it('lower-cases option names and takes a quoted option value whole', () => {
    assert.deepEqual((parsed('demo --GPUs 2 --note "a b" --tag="c d"') as { options: object }).options, {
      gpus: '2',
      note: 'a b',
      tag: 'c d',
    });
  });

  it('lets a quoted word holding = be an option value', () => {
    assert.deepEqual((parsed('demo --env "A=1"') as { options: object }).options, { env: 'A=1' });
  });
});

describe('parseCommand: Slack text', () => {
  it('decodes &amp; &lt; &gt; in values', () => {
    assert.deepEqual((parsed('demo q=a&amp;b expr=&lt;1&gt;') as { params: object }).params, {
      q: 'a&b',
      expr: '<1>',
    });
  });

  it('normalizes mentions and unwraps links', () => {
    assert.deepEqual(
      (
        parsed('demo owner=<@U123|alice> data=<https://data.example/x.csv|data.example/x.csv>') as {
          params: object;
        }
      ).params,
      { owner: '<@U123>', data: 'https://data.example/x.csv' },
    );
  });

  it('understands curly quotes from phones and macOS', () => {
    assert.deepEqual((parsed('demo note=“two words” tag=‘one more’') as { params: object }).params, {
      note: 'two words',
      tag: 'one more',
    });
    assert.equal((parsed('schedule “0 6 * * *” demo') as { cron: string }).cron, '0 6 * * *');
  });

  it('ignores repeated and odd whitespace', () => {
    assert.deepEqual(parsed('  demo\u00A0\u00A0 epochs=3\t\n'), parsed('demo epochs=3'));
  });
});

describe('parseCommand: verbs without arguments', () => {
  it('reads help, also for empty text and with extra words', () => {
    for (const text of ['', '   ', 'help', 'HELP', '/train', 'help schedule']) {
      assert.deepEqual(parsed(text), { verb: 'help' }, text);
    }
  });

  it('reads templates, list and schedules in any case', () => {
    assert.deepEqual(parsed('templates'), { verb: 'templates' });
    assert.deepEqual(parsed('List'), { verb: 'list' });
    assert.deepEqual(parsed('SCHEDULES'), { verb: 'schedules' });
  });

  it('reads new (the launch form), and nothing after it', () => {
    assert.deepEqual(parsed('new'), { verb: 'new' });
    assert.deepEqual(parsed('/train NEW'), { verb: 'new' });
    assert.equal(failure('new demo'), 'new takes nothing after it; type just /train new.');
  });

  it('refuses words after them', () => {
    assert.equal(failure('list all'), 'list takes nothing after it; type just /train list.');
    assert.equal(failure('templates demo'), 'templates takes nothing after it; type just /train templates.');
  });
});

describe('parseCommand: run references', () => {
  for (const verb of ['status', 'logs', 'stop', 'lineage', 'chart'] as const) {
    it(`reads ${verb} with a number, #number or run id`, () => {
      assert.deepEqual(parsed(`${verb} 42`), { verb, run: { kind: 'number', number: 42 } });
      assert.deepEqual(parsed(`${verb} #7`), { verb, run: { kind: 'number', number: 7 } });
      assert.deepEqual(parsed(`${verb} r-0a1b2c3d4e`), { verb, run: { kind: 'id', id: 'r-0a1b2c3d4e' } });
    });

    it(`says ${verb} needs a run when none is given`, () => {
      assert.equal(failure(verb), `${verb} needs a run number, e.g. /train ${verb} 42.`);
    });
  }

  it('reads a run id case-insensitively as its lower-case form', () => {
    assert.deepEqual(parsed('stop R-AB12'), { verb: 'stop', run: { kind: 'id', id: 'r-ab12' } });
  });

  it('refuses anything else as a run', () => {
    for (const bad of ['abc', '0', '#0', '-1', '4.5', '#', 'r-', 'r-a_b', '1234567890', '#42x', 'run-1']) {
      assert.match(
        failure(`status ${bad}`),
        /is not a run; use the run number from its card \(42 or #42\)/,
        bad,
      );
    }
  });

  it('refuses a second run', () => {
    assert.equal(failure('stop 4 5'), 'stop takes one run, e.g. /train stop 42; remove "5".');
  });
});

describe('parseCommand: --ref', () => {
  it('takes a branch, tag or commit as a launch option', () => {
    for (const ref of ['main', 'v1.2.3', 'feature/new-loss', '3f2a9c1']) {
      assert.deepEqual(parsed(`demo --ref ${ref}`), {
        verb: 'launch',
        template: 'demo',
        params: {},
        options: { ref },
      });
    }
    assert.deepEqual(parsed('demo --ref=main epochs=2'), {
      verb: 'launch',
      template: 'demo',
      params: { epochs: '2' },
      options: { ref: 'main' },
    });
  });

  it('refuses what is not a git ref name, saying why', () => {
    assert.equal(
      failure('demo --ref "a b"'),
      '--ref "a b" is not a git branch, tag or commit: it contains a space or a control character; e.g. --ref main, --ref v1.2 or --ref 3f2a9c1.',
    );
    assert.match(
      failure('demo --ref a..b'),
      /^--ref "a\.\.b" is not a git branch, tag or commit: it contains "\.\."/,
    );
    assert.match(failure('demo --ref=-x'), /it starts with "-", which git would read as an option/);
    assert.match(failure('demo --ref "-x"'), /it starts with "-"/);
    assert.match(failure('demo --ref "x~1"'), /it contains "~"/);
  });
});

describe('parseCommand: rerun', () => {
  it('reads the run and the changed params', () => {
    assert.deepEqual(parsed('rerun #42 lr=0.001 note="second try"'), {
      verb: 'rerun',
      run: { kind: 'number', number: 42 },
      params: { lr: '0.001', note: 'second try' },
    });
    assert.deepEqual(parsed('rerun r-abc'), { verb: 'rerun', run: { kind: 'id', id: 'r-abc' }, params: {} });
  });

  it('needs a run', () => {
    assert.equal(failure('rerun'), 'rerun needs a run number, e.g. /train rerun 42.');
    assert.match(failure('rerun lr=1'), /^"lr=1" is not a run;/);
  });

  it('refuses options and bare words', () => {
    assert.equal(
      failure('rerun 4 --gpus 2'),
      'rerun takes only name=value changes, not options like --gpus; e.g. /train rerun 42 lr=0.01.',
    );
    assert.equal(
      failure('rerun 4 fast'),
      '"fast" is not a name=value param; write params as name=value, e.g. epochs=5.',
    );
  });
});

describe('parseCommand: schedule', () => {
  it('reads cron, template, params and every option', () => {
    assert.deepEqual(
      parsed('schedule "0 6 * * 1-5" demo epochs=3 --name nightly --tz Europe/Berlin --policy replace'),
      {
        verb: 'schedule',
        cron: '0 6 * * 1-5',
        template: 'demo',
        params: { epochs: '3' },
        name: 'nightly',
        timezone: 'Europe/Berlin',
        policy: 'replace',
      },
    );
  });

  it('leaves unset options out', () => {
    assert.deepEqual(parsed("schedule '*/15 * * * *' demo"), {
      verb: 'schedule',
      cron: '*/15 * * * *',
      template: 'demo',
      params: {},
    });
  });

  it('takes model=<template> as the template', () => {
    assert.deepEqual(parsed('schedule "0 6 * * *" epochs=3 model=demo --policy=ALLOW'), {
      verb: 'schedule',
      cron: '0 6 * * *',
      template: 'demo',
      params: { epochs: '3' },
      policy: 'allow',
    });
  });

  it('normalizes the spacing of the cron expression and accepts six fields or an @ macro', () => {
    assert.equal((parsed('schedule "  0   6 * * * " demo') as { cron: string }).cron, '0 6 * * *');
    assert.equal((parsed('schedule "*/5 * * * * *" demo') as { cron: string }).cron, '*/5 * * * * *');
    assert.equal((parsed('schedule @daily demo') as { cron: string }).cron, '@daily');
  });

  it('gives the canonical spelling of a time zone', () => {
    assert.equal((parsed('schedule "0 6 * * *" demo --tz utc') as { timezone: string }).timezone, 'UTC');
  });

  it('explains what a schedule needs', () => {
    assert.equal(
      failure('schedule'),
      'schedule needs a cron expression in quotes and a template, e.g. /train schedule "0 6 * * *" demo.',
    );
    assert.equal(
      failure('schedule 0 6 * * * demo'),
      'schedule needs the cron expression first and in quotes, e.g. /train schedule "0 6 * * *" demo, but found "0".',
    );
    assert.equal(
      failure('schedule "0 6 * * *"'),
      'Name a template first, e.g. /train demo epochs=3 (or model=demo); /train templates lists them.',
    );
  });

  it('refuses an empty cron expression or one with the wrong number of fields', () => {
    assert.match(failure('schedule "  " demo'), /^The cron expression is empty;/);
    assert.equal(
      failure('schedule "0 6 * *" demo'),
      'The cron expression "0 6 * *" has 4 fields; write five (minute hour day month weekday) or six with seconds first, e.g. "0 6 * * *".',
    );
  });

  it('lists the allowed policies', () => {
    assert.equal(
      failure('schedule "0 6 * * *" demo --policy sometimes'),
      '--policy must be forbid, allow or replace, not "sometimes".',
    );
    assert.equal(
      failure('schedule "0 6 * * *" demo --policy alow'),
      '--policy must be forbid, allow or replace, not "alow". Did you mean "allow"?',
    );
  });

  it('refuses unknown options with a suggestion', () => {
    assert.equal(
      failure('schedule "0 6 * * *" demo --nmae nightly'),
      '--nmae is not an option here; use --name, --tz or --policy. Did you mean "--name"?',
    );
    assert.equal(
      failure('schedule "0 6 * * *" demo --gpus 2'),
      '--gpus is not an option here; use --name, --tz or --policy.',
    );
  });

  it('refuses an unknown time zone with a suggestion', () => {
    assert.equal(
      failure('schedule "0 6 * * *" demo --tz Europe/Berln'),
      '"Europe/Berln" is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC. Did you mean "Europe/Berlin"?',
    );
  });

  it('refuses a schedule name that is not plain', () => {
    assert.equal(
      failure('schedule "0 6 * * *" demo --name "my schedule"'),
      '"my schedule" cannot name a schedule; use up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.',
    );
  });

  it('refuses a template word that is not a name', () => {
    assert.equal(
      failure('schedule "0 6 * * *" "two words"'),
      '"two words" is not a template name; write the template after the cron expression, e.g. /train schedule "0 6 * * *" demo.',
    );
  });

  it('refuses options given twice and stray words', () => {
    assert.equal(
      failure('schedule "0 6 * * *" demo --tz UTC --tz=UTC'),
      'The option --tz is given twice; give each option once.',
    );
    assert.match(failure('schedule "0 6 * * *" demo nightly'), /^"nightly" is not a name=value param;/);
  });
});

describe('parseCommand: schedule names', () => {
  for (const verb of ['unschedule', 'pause', 'resume'] as const) {
    it(`reads ${verb} <name>`, () => {
      assert.deepEqual(parsed(`${verb} nightly-demo`), { verb, name: 'nightly-demo' });
    });

    it(`says ${verb} needs exactly one name`, () => {
      assert.equal(
        failure(verb),
        `${verb} needs a schedule name, e.g. /train ${verb} nightly; /train schedules lists them.`,
      );
      assert.equal(
        failure(`${verb} a b`),
        `${verb} takes one schedule name, e.g. /train ${verb} nightly; remove "b".`,
      );
    });
  }

  it('refuses a name that is not plain', () => {
    assert.match(failure('pause "a b"'), /^"a b" cannot name a schedule;/);
    assert.match(failure('resume nightly-'), /^"nightly-" cannot name a schedule;/);
  });
});

describe('parseCommand: launch mistakes', () => {
  it('explains name=value for a bare word after the template', () => {
    assert.equal(
      failure('demo 30'),
      '"30" is not a name=value param; write params as name=value, e.g. epochs=5.',
    );
  });

  it('blames the first word, not the run, when it is a near-miss of a verb', () => {
    assert.equal(failure('stpo 4'), '"stpo" is not a command; did you mean "/train stop 4"?');
    assert.equal(failure('sttaus 1'), '"sttaus" is not a command; did you mean "/train status 1"?');
    assert.equal(
      failure('Stauts #12', ['demo']),
      '"Stauts" is not a command; did you mean "/train status #12"?',
    );
  });

  it('blames the first word when no template has that name, the stray word when one does', () => {
    const templates = ['demo', 'resnet', 'sleep'];
    assert.equal(
      failure('foo 99', templates),
      'Unknown template or command "foo". Templates: demo, resnet, sleep.',
    );
    assert.equal(
      failure('DEMO 3', templates),
      'Unknown template or command "DEMO". Did you mean "demo"? Templates: demo, resnet, sleep.',
    );
    assert.equal(
      failure('demo 30', templates),
      '"30" is not a name=value param; write params as name=value, e.g. epochs=5.',
    );
    assert.equal(failure('foo 99', []), 'Unknown template or command "foo". There are no templates yet.');
  });

  it('takes a template whose name is near a verb as the template (sleep is not sweep)', () => {
    assert.equal(
      failure('sleep 99', ['sleep']),
      '"99" is not a name=value param; write params as name=value, e.g. epochs=5.',
    );
    assert.equal(failure('sleep 99', ['demo']), '"sleep" is not a command; did you mean "/train sweep 99"?');
  });

  it('points out single-dash options', () => {
    assert.equal(failure('demo -g 2'), '"-g" is not an option; options start with two dashes, e.g. --gpu 2.');
  });

  it('refuses a param without a name, with a bad name, without a value, or given twice', () => {
    assert.equal(failure('demo =5'), '"=5" has no param name before "="; write name=value, e.g. epochs=5.');
    assert.equal(
      failure('demo 1x=5'),
      '"1x" is not a valid param name; start with a letter or _ and use only letters, digits, _, . and -.',
    );
    assert.equal(failure('demo lr='), 'lr has no value; write lr=<value>, or lr="" for an empty one.');
    assert.equal(failure('demo lr=1 lr=2'), 'The param lr is given twice; give each param once.');
  });

  it('refuses options without a value, with a bad name, or given twice', () => {
    assert.equal(failure('demo --gpus'), '--gpus needs a value, e.g. --gpus <value>.');
    assert.equal(failure('demo --gpus --fast 1'), '--gpus needs a value, e.g. --gpus <value>.');
    assert.equal(failure('demo --gpus epochs=3'), '--gpus needs a value, e.g. --gpus <value>.');
    assert.equal(
      failure('demo --'),
      '"--" is not an option; options are a name after two dashes, e.g. --gpu 2.',
    );
    assert.equal(
      failure('demo --gpus 1 --GPUS 2'),
      'The option --gpus is given twice; give each option once.',
    );
  });

  it('needs a template', () => {
    assert.equal(
      failure('epochs=3'),
      'Name a template first, e.g. /train demo epochs=3 (or model=demo); /train templates lists them.',
    );
    assert.match(failure('model="two words"'), /^"two words" is not a template name;/);
  });

  it('refuses a first word that is neither verb nor template name, suggesting a verb', () => {
    assert.equal(
      failure('#42'),
      '"#42" is neither a command nor a template name; type /train help for the commands or /train templates for the templates.',
    );
    assert.match(failure('"list all"'), /is neither a command nor a template name/);
    assert.match(failure('stat$ 4'), /is neither a command nor a template name;.* Did you mean "status"\?$/);
  });

  it('says which quote is not closed', () => {
    assert.match(
      failure('demo note="two words'),
      /^The double quote that starts "two words is never closed;/,
    );
  });

  it('refuses input over the length limit before reading it', () => {
    assert.equal(
      failure(`demo note=${'x'.repeat(MAX_COMMAND_CHARS)}`),
      `The command is ${MAX_COMMAND_CHARS + 10} characters long; keep it under ${MAX_COMMAND_CHARS}.`,
    );
  });
});

describe('parseCommand: sweep', () => {
  it('reads the template, the spaces and fixed params, and the options', () => {
    assert.deepEqual(
      parsed(
        '/train sweep demo lr=loguniform(1e-4, 1e-1) epochs=[2, 4] batch=range(16,64,16) opt=adam --algo tpe --trials 30 --parallel 4 --metric val_acc --goal max --early-stop asha --seed 7',
      ),
      {
        verb: 'sweep',
        template: 'demo',
        params: {
          lr: 'loguniform(1e-4, 1e-1)',
          epochs: '[2, 4]',
          batch: 'range(16,64,16)',
          opt: 'adam',
        },
        options: {
          algo: 'tpe',
          trials: '30',
          parallel: '4',
          metric: 'val_acc',
          goal: 'max',
          'early-stop': 'asha',
          seed: '7',
        },
      },
    );
  });

  it('understands what Slack sends: escapes and curly quotes', () => {
    assert.deepEqual(parsed('sweep demo lr=[0.01,0.1,1] note=“a &amp; b” --metric=loss'), {
      verb: 'sweep',
      template: 'demo',
      params: { lr: '[0.01,0.1,1]', note: 'a & b' },
      options: { metric: 'loss' },
    });
  });

  it('takes model=<template> as the template', () => {
    assert.deepEqual(parsed('sweep model=demo lr=uniform(0.1,1)'), {
      verb: 'sweep',
      template: 'demo',
      params: { lr: 'uniform(0.1,1)' },
      options: {},
    });
  });

  it('reads sweeps, and status, stop and logs with a sweep number', () => {
    assert.deepEqual(parsed('sweeps'), { verb: 'sweeps' });
    assert.deepEqual(parsed('status #57'), { verb: 'status', run: { kind: 'number', number: 57 } });
    assert.deepEqual(parsed('stop 57'), { verb: 'stop', run: { kind: 'number', number: 57 } });
  });

  it('explains what a sweep needs', () => {
    assert.equal(
      failure('sweep'),
      'sweep needs a template and the params to search, e.g. /train sweep demo lr=[0.01,0.1,1].',
    );
    assert.equal(
      failure('sweep de/mo lr=[1,2]'),
      '"de/mo" is not a template name; write the template after sweep, e.g. /train sweep demo lr=[0.01,0.1,1].',
    );
    assert.equal(
      failure('sweep demo lr=uniform(1, 2 extra'),
      '"2" is not a name=value param; write params as name=value, e.g. epochs=5.',
    );
    assert.equal(failure('sweeps 3'), 'sweeps takes nothing after it; type just /train sweeps.');
  });
});
