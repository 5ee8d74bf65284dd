import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubernetesOnlyRefusal, kubernetesOnlySettings } from '../../../src/core/run/kubernetes-only.ts';
import { makeRun } from '../../support/make-run.ts';

describe('Kubernetes-only settings', () => {
  it('lists what a spec uses that only a cluster can honour, and says it in one sentence', () => {
    const { spec } = makeRun();
    assert.deepEqual(kubernetesOnlySettings(spec), []);
    assert.equal(kubernetesOnlyRefusal(spec, 'the Docker runtime'), undefined);
    spec.job.imagePullSecrets = ['ghcr-pull'];
    assert.equal(
      kubernetesOnlyRefusal(spec, 'the Docker runtime'),
      'Template demo uses job.imagePullSecrets, which the Docker runtime cannot honour (only Kubernetes can); run it on a cluster (TRAINYARD_RUNTIME=kubernetes) or take it out of the template.',
    );
    spec.job.secretEnv = { A: { secret: 's', key: 'k' } };
    spec.job.serviceAccountName = 'trainer';
    assert.match(
      kubernetesOnlyRefusal(spec, 'the process runtime') ?? '',
      /uses job\.secretEnv, job\.imagePullSecrets and job\.serviceAccountName, which the process runtime cannot honour .* take them out of the template\.$/,
    );
    spec.job.secretEnv = {};
    spec.job.imagePullSecrets = [];
    spec.job.serviceAccountName = undefined;
    assert.deepEqual(kubernetesOnlySettings(spec), [], 'empty settings ask for nothing');
  });
});
