import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGISTRY_HINT, withRegistryHint } from '../../../src/core/run/registry-hint.ts';

/** Reasons as the image builder, the docker runtime and the kubernetes runtime word them. */
const UNREACHABLE = [
  'The image build for demo failed: failed to resolve source metadata for docker.io/library/node:20-alpine: dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving.',
  'It could not be started: The image 127.0.0.1:5999/x:1 could not be pulled: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused.',
  'Kubernetes cannot pull the image "ghcr.io/acme/x:1" (ErrImagePull: failed to pull and unpack image: dial tcp: lookup ghcr.io: no such host); still retrying.',
  'Pushing registry.example.com/demo:abc to the registry registry.example.com failed: Get "https://registry.example.com/v2/": net/http: TLS handshake timeout.',
];

describe('withRegistryHint', () => {
  it('adds one sentence to build, pull and push failures that reached no registry, on docker and kubernetes', () => {
    for (const reason of UNREACHABLE) {
      for (const runtime of ['docker', 'kubernetes'] as const) {
        assert.equal(withRegistryHint(reason, runtime), `${reason} ${REGISTRY_HINT}`);
      }
    }
  });

  it('adds it once, however often the reason comes back', () => {
    const once = withRegistryHint(UNREACHABLE[2], 'kubernetes');
    assert.equal(withRegistryHint(once, 'kubernetes'), once);
  });

  it('leaves everything else alone: other runtimes, other image failures, a job that could not connect', () => {
    assert.equal(withRegistryHint(UNREACHABLE[0], 'process'), UNREACHABLE[0]);
    assert.equal(withRegistryHint(UNREACHABLE[0], undefined), UNREACHABLE[0]);
    for (const reason of [
      "The image build for demo failed: The command '/bin/sh -c npm ci' returned a non-zero code: 1.",
      'Kubernetes cannot pull the image "x:1" (ErrImagePull: manifest unknown); still retrying.',
      'The job exited with code 1: psycopg2.OperationalError: connection refused.',
    ]) {
      assert.equal(withRegistryHint(reason, 'docker'), reason);
    }
  });
});
