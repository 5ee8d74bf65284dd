import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineageTree } from '../../src/core/lineage/lineage-tree.ts';
import type { Run, RunLineage } from '../../src/core/run/run.ts';
import { renderLineage } from '../../src/views/blocks/lineage.ts';
import { renderLineageText } from '../../src/views/text/lineage-text.ts';
import { makeRun } from '../support/make-run.ts';
import { assertSafeSlackMessage } from '../support/view-checks.ts';

function run(id: string, number: number, template: string, lineage: Partial<RunLineage>, params = {}): Run {
  return makeRun(
    {
      id,
      number,
      state: 'succeeded',
      lineage: {
        template: { name: template, hash: '3f2a9c1d'.repeat(8) },
        origin: { kind: 'command' },
        inputs: [],
        ...lineage,
      },
    },
    { template, params },
  );
}

const RUNS = [
  run(
    'r-eval',
    45,
    'evaluate',
    {
      inputs: ['r-t1', 'r-t2'],
      image: 'registry.local/evaluate:1a2b',
      origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 41, step: 'eval' },
    },
    { weights: '1,2,3' },
  ),
  run(
    'r-t1',
    43,
    'demo',
    {
      inputs: ['r-prep'],
      code: { repo: 'https://bob:secret@github.com/acme/m.git', ref: 'main' },
      commit: '0123456789abcdef0123456789abcdef01234567',
    },
    { lr: 0.2 },
  ),
  run('r-t2', 44, 'demo', { inputs: ['r-prep', 'r-gone'] }, { lr: 0.5 }),
  run('r-prep', 42, 'prep', {}, { rows: 2000 }),
];
const lookup = (id: string) => RUNS.find((r) => r.id === id);

describe('renderLineageText', () => {
  it('draws the chain up to the roots as a compact tree', () => {
    assert.deepEqual(renderLineageText(lineageTree('r-eval', lookup)), [
      '✅ #45 evaluate@3f2a9c1d  weights=1,2,3',
      '│     image registry.local/evaluate:1a2b · pipeline #41 step eval',
      '├─ ✅ #43 demo@3f2a9c1d  lr=0.2',
      '│  │     code https://***@github.com/acme/m.git@main · commit 0123456789ab',
      '│  └─ ✅ #42 prep@3f2a9c1d  rows=2000',
      '└─ ✅ #44 demo@3f2a9c1d  lr=0.5',
      '   ├─ #42 (shown above)',
      '   └─ r-gone (no longer kept)',
    ]);
  });

  it('says when inputs were left out', () => {
    const lines = renderLineageText(lineageTree('r-eval', lookup, { maxDepth: 1, maxNodes: 50 }));
    assert.ok(lines.includes('│  └─ …and 1 more input not shown'), lines.join('\n'));
    assert.equal(lines.at(-1), '(some inputs are left out: the chain is too long to show whole)');
  });
});

describe('renderLineage', () => {
  it('shows each run with number, template, params, image and commit, never a credential', () => {
    const msg = renderLineage(lineageTree('r-eval', lookup));
    assertSafeSlackMessage(msg);
    const json = JSON.stringify(msg);
    assert.match(json, /Lineage of run #45/);
    assert.match(json, /✅ \*#43\* demo @3f2a9c1d `lr=0.2`/);
    assert.match(json, /commit `0123456789ab`/);
    assert.match(json, /image `registry.local\/evaluate:1a2b` · pipeline #41 step eval/);
    assert.match(json, /r-gone _\(no longer kept\)_/);
    assert.ok(!json.includes('secret'));
  });

  it('summarises a tree longer than one message allows', () => {
    const chain = Array.from({ length: 400 }, (_, i) =>
      run(
        `r-${i}`,
        i + 1,
        'demo',
        { inputs: i < 399 ? [`r-${i + 1}`] : [], image: 'x'.repeat(300) },
        { p: 'y'.repeat(300) },
      ),
    );
    const byId = new Map(chain.map((r) => [r.id, r]));
    const msg = renderLineage(lineageTree('r-0', (id) => byId.get(id), { maxDepth: 400, maxNodes: 400 }));
    assertSafeSlackMessage(msg);
    const last = JSON.stringify(msg.blocks.at(-1));
    assert.match(last, /more rows not shown/);
  });

  it('answers for a run that is no longer kept', () => {
    const msg = renderLineage(lineageTree('r-x', () => undefined));
    assertSafeSlackMessage(msg);
    assert.equal(msg.text, 'That run is no longer kept');
  });
});
