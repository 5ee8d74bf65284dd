import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  containerCreateOptions,
  containerLabels,
  containerName,
  parseCpu,
  parseMemory,
} from '../../../../src/adapters/runtimes/docker/container-spec.ts';
import { makeRun } from '../../../support/make-run.ts';

const run = makeRun(
  { id: 'r-abcdefghij', number: 42, schedule: 'nightly', launchedBy: 'U42', channel: 'C9' },
  {
    template: 'resnet',
    image: 'reg.example.com/resnet:0123456789ab',
    params: { lr: 0.1, name: "x'; rm -rf /" },
    command: ['python', 'train.py'],
    args: ['--lr', '0.1'],
    env: { EPOCHS: '3' },
    resources: { cpu: '500m', memory: '2Gi', gpu: 2 },
  },
);

test('a container carries the Job labels and the annotations as labels', () => {
  assert.deepEqual(containerLabels(run), {
    'app.kubernetes.io/managed-by': 'trainyard',
    'trainyard.io/run': 'r-abcdefghij',
    'trainyard.io/template': 'resnet',
    'trainyard.io/schedule': 'nightly',
    'trainyard.io/launched-by': 'U42',
    'trainyard.io/channel': 'C9',
    'trainyard.io/params': JSON.stringify({ lr: 0.1, name: "x'; rm -rf /" }),
    'trainyard.io/run-number': '42',
  });
  assert.equal(containerName(run), 'resnet-42-abcdefghij');
});

test('a sweep trial’s container carries the sweep label and the trial index as labels', () => {
  const trial = {
    ...run,
    labels: { 'trainyard.io/sweep': 's-abcdefghij' },
    annotations: { 'trainyard.io/trial': '3' },
  };
  const labels = containerLabels(trial);
  assert.equal(labels['trainyard.io/sweep'], 's-abcdefghij');
  assert.equal(labels['trainyard.io/trial'], '3');
  assert.equal(labels['trainyard.io/run'], 'r-abcdefghij');
});

test('command and args replace ENTRYPOINT and CMD as literal arrays; limits and GPUs are set', () => {
  const options = containerCreateOptions(run, 'none');
  assert.equal(options.Image, 'reg.example.com/resnet:0123456789ab');
  assert.deepEqual(options.Entrypoint, ['python', 'train.py']);
  assert.deepEqual(options.Cmd, ['--lr', '0.1']);
  assert.deepEqual(options.Env, ['EPOCHS=3']);
  assert.deepEqual(options.HostConfig, {
    NetworkMode: 'none',
    NanoCpus: 500_000_000,
    Memory: 2 * 1024 ** 3,
    DeviceRequests: [{ Driver: '', Count: 2, Capabilities: [['gpu']] }],
  });
});

test('an empty command or args keeps the image defaults, and no GPU asks for no devices', () => {
  const plain = makeRun({}, { image: 'busybox', command: [], args: [], resources: { gpu: 0 } });
  const options = containerCreateOptions(plain, 'bridge');
  assert.equal('Entrypoint' in options, false);
  assert.equal('Cmd' in options, false);
  assert.deepEqual(options.HostConfig, { NetworkMode: 'bridge' });
});

test('a run without an image cannot become a container', () => {
  assert.throws(() => containerCreateOptions(makeRun({ id: 'r-1' }), 'none'), /has no image yet/);
});

test('Kubernetes quantities convert to engine units; bad ones are one sentence', () => {
  assert.equal(parseCpu('2'), 2);
  assert.equal(parseCpu('1.5'), 1.5);
  assert.equal(parseCpu('250m'), 0.25);
  assert.equal(parseMemory('512Mi'), 512 * 1024 ** 2);
  assert.equal(parseMemory('1G'), 1e9);
  assert.equal(parseMemory('1048576'), 1048576);
  assert.throws(() => parseCpu('lots'), {
    message: 'The CPU limit "lots" is not a quantity such as 500m or 2.',
  });
  assert.throws(() => parseMemory('2 gigs'), /^Error: The memory limit "2 gigs" is not a quantity/);
  assert.throws(() => parseMemory('0'), /not a quantity/);
});
