import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOrigin } from '../../../src/core/lineage/describe-origin.ts';
import { type LineageNode, lineageTree } from '../../../src/core/lineage/lineage-tree.ts';
import type { Run, RunOrigin } from '../../../src/core/run/run.ts';
import { makeRun } from '../../support/make-run.ts';

function store(...runs: Run[]) {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return (id: string) => byId.get(id);
}

function run(id: string, number: number, inputs: string[], origin: RunOrigin = { kind: 'command' }): Run {
  return makeRun({
    id,
    number,
    lineage: { template: { name: 't', hash: 'ab'.repeat(32) }, origin, inputs },
  });
}

/** The tree as `#n(children)` text, easy to compare. */
function shape(node: LineageNode): string {
  if (node.kind === 'missing') return `gone:${node.runId}`;
  if (node.kind === 'repeat') return `again#${node.number}`;
  const inner = node.inputs.map(shape);
  if (node.omitted) inner.push(`+${node.omitted}`);
  return inner.length ? `#${node.run.number}(${inner.join(' ')})` : `#${node.run.number}`;
}

describe('lineageTree', () => {
  it('follows inputs up to the roots, showing a run consumed twice once', () => {
    const lookup = store(
      run('r-eval', 4, ['r-t1', 'r-t2']),
      run('r-t1', 2, ['r-prep']),
      run('r-t2', 3, ['r-prep', 'r-prep']),
      run('r-prep', 1, []),
    );
    const tree = lineageTree('r-eval', lookup);
    assert.equal(shape(tree.root), '#4(#2(#1) #3(again#1))');
    assert.equal(tree.size, 5);
    assert.equal(tree.truncated, false);
  });

  it('shows runs that are no longer kept', () => {
    const tree = lineageTree('r-a', store(run('r-a', 1, ['r-gone'])));
    assert.equal(shape(tree.root), '#1(gone:r-gone)');
    assert.equal(shape(lineageTree('r-none', store()).root), 'gone:r-none');
  });

  it('survives cycles in stored data', () => {
    const tree = lineageTree('r-a', store(run('r-a', 1, ['r-b']), run('r-b', 2, ['r-a'])));
    assert.equal(shape(tree.root), '#1(#2(again#1))');
  });

  it('stops at the depth bound and says how many inputs it left out', () => {
    const runs = Array.from({ length: 30 }, (_, i) => run(`r-${i}`, i + 1, i < 29 ? [`r-${i + 1}`] : []));
    const tree = lineageTree('r-0', store(...runs), { maxDepth: 3, maxNodes: 100 });
    assert.equal(shape(tree.root), '#1(#2(#3(#4(+1))))');
    assert.equal(tree.truncated, true);
  });

  it('stops at the size bound', () => {
    const inputs = Array.from({ length: 50 }, (_, i) => `r-${i}`);
    const runs = [run('r-root', 100, inputs), ...inputs.map((id, i) => run(id, i + 1, []))];
    const tree = lineageTree('r-root', store(...runs), { maxDepth: 10, maxNodes: 5 });
    assert.equal(shape(tree.root), '#100(#1 #2 #3 #4 +46)');
    assert.equal(tree.size, 5);
  });

  it('describes each run origin', () => {
    const lookup = store(run('r-old', 12, []), run('r-b', 13, [], { kind: 'rerun', runId: 'r-old' }));
    const tree = lineageTree('r-b', lookup);
    assert.equal(tree.root.kind === 'run' && tree.root.origin, 'rerun of #12');
  });
});

describe('describeOrigin', () => {
  const numberOf = (id: string) => (id === 'r-k' ? 7 : undefined);
  it('says why a run exists', () => {
    assert.equal(describeOrigin({ kind: 'command' }, numberOf), undefined);
    assert.equal(describeOrigin({ kind: 'rerun', runId: 'r-k' }, numberOf), 'rerun of #7');
    assert.equal(describeOrigin({ kind: 'rerun', runId: 'r-x' }, numberOf), 'rerun of r-x');
    assert.equal(describeOrigin({ kind: 'schedule', name: 'nightly' }, numberOf), 'schedule nightly');
    assert.equal(
      describeOrigin({ kind: 'sweep', sweepId: 's-1', sweepNumber: 57, trial: 3 }, numberOf),
      'sweep #57 trial 3',
    );
    assert.equal(describeOrigin({ kind: 'sweep', sweepId: 's-1', trial: 3 }, numberOf), 'sweep s-1 trial 3');
    assert.equal(
      describeOrigin({ kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 41, step: 'eval' }, numberOf),
      'pipeline #41 step eval',
    );
  });
});
