import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_GIT_IMAGE, loadConfig } from '../../src/config/env.ts';

describe('loadConfig: artifacts and code from git', () => {
  it('keeps no artifacts claim and uses the pinned git image by default', () => {
    const config = loadConfig({}, '/srv');
    assert.equal(config.artifactsClaim, undefined);
    assert.equal(config.gitImage, DEFAULT_GIT_IMAGE);
    assert.match(DEFAULT_GIT_IMAGE, /^alpine\/git:v\d+\.\d+\.\d+$/, 'a pinned tag, never latest');
  });

  it('reads TRAINYARD_ARTIFACTS_CLAIM and TRAINYARD_GIT_IMAGE', () => {
    const config = loadConfig(
      {
        TRAINYARD_ARTIFACTS_CLAIM: 'trainyard-artifacts',
        TRAINYARD_GIT_IMAGE: 'registry.example.com/git:2.45',
      },
      '/srv',
    );
    assert.equal(config.artifactsClaim, 'trainyard-artifacts');
    assert.equal(config.gitImage, 'registry.example.com/git:2.45');
  });

  it('refuses a claim name Kubernetes would refuse, in one sentence', () => {
    assert.throws(
      () => loadConfig({ TRAINYARD_ARTIFACTS_CLAIM: 'My Claim' }),
      (err: Error) =>
        err instanceof ConfigError &&
        err.message ===
          'TRAINYARD_ARTIFACTS_CLAIM must name a PersistentVolumeClaim (lowercase letters, digits, "-" and "."), not "My Claim".',
    );
    assert.throws(
      () => loadConfig({ TRAINYARD_GIT_IMAGE: 'alpine/git latest' }),
      /TRAINYARD_GIT_IMAGE must be an image reference/,
    );
  });
});
