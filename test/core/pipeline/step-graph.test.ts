import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findCycle, topologicalOrder, upstreamOf } from '../../../src/core/pipeline/step-graph.ts';

const graph = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

describe('findCycle', () => {
  it('finds a cycle as the path around it', () => {
    assert.deepEqual(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] })), ['a', 'b', 'c', 'a']);
    assert.deepEqual(findCycle(graph({ x: [], a: ['a'] })), ['a', 'a']);
  });

  it('is undefined for a DAG, and ignores needs that are no step', () => {
    assert.equal(findCycle(graph({ a: [], b: ['a'], c: ['a', 'b', 'zz'] })), undefined);
  });
});

describe('topologicalOrder', () => {
  it('puts needs first and keeps file order among ready steps', () => {
    assert.deepEqual(topologicalOrder(graph({ eval: ['train'], report: [], train: ['prep'], prep: [] })), [
      'report',
      'prep',
      'train',
      'eval',
    ]);
  });

  it('leaves out steps on a cycle', () => {
    assert.deepEqual(topologicalOrder(graph({ a: ['b'], b: ['a'], c: [] })), ['c']);
  });

  it('orders any DAG so that every step comes after its needs', () => {
    const dag = fc
      .integer({ min: 1, max: 25 })
      .chain((n) =>
        fc.array(fc.array(fc.nat({ max: 24 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
      );
    fc.assert(
      fc.property(dag, (lists) => {
        // Step i may only need steps before it, so the graph is acyclic; shuffle the map order.
        const needs = graph(
          Object.fromEntries(
            lists.map((l, i) => [`s${i}`, l.filter((j) => j < i).map((j) => `s${j}`)] as const).reverse(),
          ),
        );
        const order = topologicalOrder(needs);
        assert.equal(order.length, lists.length);
        for (const [step, list] of needs) {
          for (const need of list)
            assert.ok(order.indexOf(need) < order.indexOf(step), `${need} before ${step}`);
        }
      }),
    );
  });
});

describe('upstreamOf', () => {
  it('collects needs directly and further up, cycle-safe', () => {
    const needs = graph({ a: [], b: ['a'], c: ['b'], d: ['c', 'a'], e: ['e', 'f'], f: ['e'] });
    assert.deepEqual([...upstreamOf('d', needs)].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...upstreamOf('a', needs)], []);
    assert.deepEqual([...upstreamOf('e', needs)].sort(), ['e', 'f']);
  });
});
