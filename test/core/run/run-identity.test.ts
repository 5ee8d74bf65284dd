import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATIONS, LABELS, runAnnotations, runLabels } from '../../../src/core/run/run-identity.ts';
import { makeRun } from '../../support/make-run.ts';

describe('run identity with a parent’s additions', () => {
  const run = makeRun({
    id: 'r-0123456789',
    number: 7,
    schedule: 'nightly',
    parent: { kind: 'sweep', id: 'r-sweep00001' },
    labels: {
      [LABELS.sweep]: 'r-sweep00001',
      [LABELS.run]: 'r-impostor0',
      [LABELS.managedBy]: 'someone-else',
      'trainyard.io/note': 'has spaces & <symbols>',
    },
    annotations: { [ANNOTATIONS.trial]: '3', [ANNOTATIONS.launchedBy]: 'U-IMPOSTOR' },
  });

  it('adds the labels a parent asked for, made safe, and never lets them replace the run’s own', () => {
    assert.deepEqual(runLabels(run), {
      [LABELS.managedBy]: 'trainyard',
      [LABELS.run]: 'r-0123456789',
      [LABELS.template]: 'demo',
      [LABELS.schedule]: 'nightly',
      [LABELS.sweep]: 'r-sweep00001',
      'trainyard.io/note': 'has-spaces-symbols',
    });
  });

  it('adds the annotations a parent asked for, never replacing the run’s own', () => {
    const annotations = runAnnotations(run);
    assert.equal(annotations[ANNOTATIONS.trial], '3');
    assert.equal(annotations[ANNOTATIONS.launchedBy], 'U1');
    assert.equal(annotations[ANNOTATIONS.runNumber], '7');
  });

  it('is unchanged for a run without additions', () => {
    const plain = makeRun({ id: 'r-plain00000' });
    assert.deepEqual(
      Object.keys(runLabels(plain)).sort(),
      [LABELS.managedBy, LABELS.run, LABELS.template].sort(),
    );
    assert.deepEqual(
      Object.keys(runAnnotations(plain)).sort(),
      [ANNOTATIONS.launchedBy, ANNOTATIONS.channel, ANNOTATIONS.params, ANNOTATIONS.runNumber].sort(),
    );
  });
});
