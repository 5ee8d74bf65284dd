import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyLogLines,
  boundHistory,
  createProgressPattern,
  MAX_HISTORY,
  parseLogLine,
} from '../../../src/core/progress/parse-progress.ts';
import type { MetricSample, Run } from '../../../src/core/run/run.ts';
import { makeRun } from '../../support/make-run.ts';

const NOW = new Date('2026-01-02T03:04:05.000Z');

// line → expected reading (a missing key means "not found")
const CASES: Array<[string, ReturnType<typeof parseLogLine>]> = [
  [
    'epoch 3/10 loss=0.31 acc=0.9',
    { progress: { current: 3, total: 10, unit: 'epoch' }, metrics: { loss: 0.31, acc: 0.9 } },
  ],
  // PyTorch tutorial style
  [
    'Epoch [3/10], Step [100/600], Loss: 0.2345',
    { progress: { current: 3, total: 10, unit: 'epoch' }, metrics: { Loss: 0.2345 } },
  ],
  [
    'step 120/1000 lr=1e-3 val_loss=0.8',
    { progress: { current: 120, total: 1000, unit: 'step' }, metrics: { lr: 0.001, val_loss: 0.8 } },
  ],
  // tqdm, with and without counts, with a postfix
  [
    ' 45%|████▌     | 450/1000 [00:10<00:12, 40it/s, loss=0.31]',
    { progress: { current: 450, total: 1000, unit: 'step' }, metrics: { loss: 0.31 } },
  ],
  [' 50%|█████     |', { progress: { current: 50, total: 100, unit: 'percent' } }],
  // tqdm redraw with carriage returns: the last segment counts
  ['10%|█ | 1/10\r 20%|██ | 2/10', { progress: { current: 2, total: 10, unit: 'step' } }],
  // PyTorch Lightning progress bar (v_num is a version counter, not a metric)
  [
    'Epoch 3: 45%|████▌     | 450/1000 [00:10<00:12, 40it/s, v_num=0, train_loss=0.312]',
    { progress: { current: 450, total: 1000, unit: 'step' }, metrics: { train_loss: 0.312 } },
  ],
  // Keras
  ['Epoch 3/10', { progress: { current: 3, total: 10, unit: 'epoch' } }],
  [
    '450/1000 [=============>................] - ETA: 12s - loss: 0.3100 - accuracy: 0.9000',
    { progress: { current: 450, total: 1000, unit: 'step' }, metrics: { loss: 0.31, accuracy: 0.9 } },
  ],
  [
    '1000/1000 [==============================] - 12s 12ms/step - loss: 0.2 - val_loss: 0.25',
    { progress: { current: 1000, total: 1000, unit: 'step' }, metrics: { loss: 0.2, val_loss: 0.25 } },
  ],
  // Hugging Face Trainer prints a Python dict; epoch without a total is not progress, and not a metric
  ["{'loss': 0.5, 'learning_rate': 5e-05, 'epoch': 1.0}", { metrics: { loss: 0.5, learning_rate: 5e-5 } }],
  // JSON lines
  [
    '{"epoch":3,"epochs":10,"loss":0.2}',
    { progress: { current: 3, total: 10, unit: 'epoch' }, metrics: { loss: 0.2 } },
  ],
  [
    '{"step":5,"max_steps":50,"acc":0.5,"note":"x"}',
    { progress: { current: 5, total: 50, unit: 'step' }, metrics: { acc: 0.5 } },
  ],
  // Things that are not metrics
  ['2024-01-01 12:30:45 INFO connecting to localhost:8080', {}],
  ['time: 12:30:45 date=2024-01-01', {}],
  ['see https://example.com:443/x and user@host:22', {}],
  ['Downloading data...', {}],
  ['', {}],
  [
    '\u001b[32mepoch 1/2\u001b[0m loss=1.5',
    { progress: { current: 1, total: 2, unit: 'epoch' }, metrics: { loss: 1.5 } },
  ],
];

// Lines built from the pieces real logs are made of, so the property reaches the parser's branches.
const logLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'epoch',
        'Epoch [',
        'step',
        '%|',
        '|',
        '/',
        '=',
        ': ',
        '{',
        '}',
        "'",
        '"',
        '\r',
        ' ',
        ',',
        '[',
      ),
      fc.integer().map(String),
      fc.double().map(String),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('parseLogLine', () => {
  for (const [line, expected] of CASES) {
    it(JSON.stringify(line), () => assert.deepEqual(parseLogLine(line), expected));
  }

  it("uses a template's own regex with named groups", () => {
    const pattern = createProgressPattern('it (?<current>\\d+) of (?<total>\\d+) reward (?<reward>[-\\d.]+)');
    assert.ok(pattern);
    assert.deepEqual(parseLogLine('it 4 of 8 reward -1.5', pattern), {
      progress: { current: 4, total: 8, unit: 'step' },
      metrics: { reward: -1.5 },
    });
    // a line the template regex does not match still gets the built-in readings
    assert.deepEqual(parseLogLine('epoch 1/2', pattern), {
      progress: { current: 1, total: 2, unit: 'epoch' },
    });
  });

  it("still reads key=value metrics on a line the template's pattern matches", () => {
    const pattern = createProgressPattern('it (?<current>\\d+) of (?<total>\\d+)');
    assert.deepEqual(parseLogLine('it 4 of 8 loss=0.25 acc=0.9', pattern), {
      progress: { current: 4, total: 8, unit: 'step' },
      metrics: { loss: 0.25, acc: 0.9 },
    });
    // The pattern's own groups are metrics too, and win over the same name read as key=value.
    const withMetric = createProgressPattern('it (?<current>\\d+) of (?<total>\\d+) .*r=(?<reward>[-\\d.]+)');
    assert.deepEqual(parseLogLine('it 4 of 8 loss=0.25 reward=7 r=-1.5', withMetric), {
      progress: { current: 4, total: 8, unit: 'step' },
      metrics: { loss: 0.25, reward: -1.5, r: -1.5 },
    });
    // A pattern with only metric groups leaves progress to the built-in readings.
    const metricOnly = createProgressPattern('reward (?<reward>[-\\d.]+)');
    assert.deepEqual(parseLogLine('epoch 2/5 reward 3 loss=0.5', metricOnly), {
      progress: { current: 2, total: 5, unit: 'epoch' },
      metrics: { loss: 0.5, reward: 3 },
    });
  });

  it('is not affected by a g flag in a template regex', () => {
    const pattern = createProgressPattern('(?<current>\\d+)/(?<total>\\d+)');
    const g = new RegExp(pattern!.source, 'g');
    assert.deepEqual(parseLogLine('x 1/2', g), parseLogLine('x 1/2', g));
  });

  it('returns undefined for a pattern that does not compile', () => {
    assert.equal(createProgressPattern('(unclosed'), undefined);
    assert.equal(createProgressPattern(undefined), undefined);
  });

  it('only reads the first 2000 characters of a line', () => {
    assert.deepEqual(parseLogLine(`${'x'.repeat(2000)} loss=1`), {});
  });

  it('never throws, whatever the line or pattern', () => {
    const pattern = createProgressPattern('(?<current>\\d+)/(?<total>\\d+)(?<m>.*)');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), logLike), (line) => {
        const reading = parseLogLine(line);
        parseLogLine(line, pattern);
        for (const v of Object.values(reading.metrics ?? {})) assert.ok(Number.isFinite(v));
      }),
      { numRuns: 2000 },
    );
  });
});

function run(extra: Partial<Run> = {}): Run {
  return makeRun({ id: 'r-0123456789', state: 'running', createdAt: NOW.toISOString(), ...extra });
}

describe('applyLogLines', () => {
  it('keeps the latest progress and metrics and one sample per line with metrics', () => {
    const next = applyLogLines(run(), ['epoch 1/3 loss=1.0', 'hello', 'epoch 2/3 loss=0.5 acc=0.7'], NOW);
    assert.deepEqual(next?.progress, { current: 2, total: 3, unit: 'epoch' });
    assert.deepEqual(next?.metrics, { loss: 0.5, acc: 0.7 });
    assert.deepEqual(next?.history, [
      { at: NOW.getTime(), values: { loss: 1.0 }, step: 1 },
      { at: NOW.getTime(), values: { loss: 0.5, acc: 0.7 }, step: 2 },
    ]);
  });

  it('gives a sample no step until the log has reported progress, then the step reached by its line', () => {
    const first = applyLogLines(run(), ['loss=2.5', 'epoch 1/3', 'loss=1.5'], NOW);
    assert.deepEqual(first?.history, [
      { at: NOW.getTime(), values: { loss: 2.5 } },
      { at: NOW.getTime(), values: { loss: 1.5 }, step: 1 },
    ]);
    // A later batch starts from the progress the run already has.
    const next = first && applyLogLines(first, ['loss=1.2'], NOW);
    assert.equal(next?.history.at(-1)?.step, 1);
  });

  it('records when the run was last seen alive, so a lost run is not charged for the bot being down', () => {
    assert.equal(applyLogLines(run(), ['epoch 1/3 loss=1.0'], NOW)?.lastSeenAt, NOW.toISOString());
  });

  it('returns undefined when nothing changed', () => {
    assert.equal(applyLogLines(run(), ['Downloading...', ''], NOW), undefined);
    const r = run({ progress: { current: 2, total: 3, unit: 'epoch' } });
    assert.equal(applyLogLines(r, ['epoch 2/3'], NOW), undefined);
  });

  it('keeps the history bounded however long the run', () => {
    let r = run();
    for (let i = 0; i < 5000; i++) r = applyLogLines(r, [`step ${i}/5000 loss=${i}`], new Date(i)) ?? r;
    assert.ok(r.history.length <= MAX_HISTORY);
    assert.ok(r.history.length >= MAX_HISTORY / 2);
    // the whole run stays covered: first and last samples are kept
    assert.equal(r.history[0].values.loss, 0);
    assert.equal(r.history[r.history.length - 1].values.loss, 4999);
  });
});

describe('boundHistory', () => {
  it('thins every other sample and keeps the newest', () => {
    const history: MetricSample[] = Array.from({ length: 11 }, (_, i) => ({ at: i, values: { x: i } }));
    assert.deepEqual(
      boundHistory(history, 8).map((s) => s.at),
      [0, 2, 4, 6, 8, 10],
    );
    assert.equal(boundHistory(history, 20), history);
  });
});

describe('applyLogLines: outputs', () => {
  it('sets outputs from ::output lines, the last value winning, and never reads them as metrics', () => {
    const next = applyLogLines(
      run(),
      ['::output rows=1000', 'epoch 1/2 loss=0.5', '::output rows=1200', '::output path=data/x.json'],
      NOW,
    );
    assert.deepEqual(next?.outputs, { rows: '1200', path: 'data/x.json' });
    assert.deepEqual(next?.metrics, { loss: 0.5 });
    assert.equal(next?.history.length, 1);
  });

  it('counts an output change as a change, and an unchanged or malformed one as none', () => {
    const r = run({ outputs: { rows: '5' } });
    assert.equal(applyLogLines(r, ['::output rows=5'], NOW), undefined);
    assert.equal(applyLogLines(r, ['::output Bad=1 loss=3', '::output =2'], NOW), undefined);
    assert.deepEqual(applyLogLines(r, ['::output rows=6'], NOW)?.outputs, { rows: '6' });
  });
});
