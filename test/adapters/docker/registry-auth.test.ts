import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  authFromDockerConfig,
  registryAuth,
  registryHost,
} from '../../../src/adapters/docker/registry-auth.ts';

test('the registry host is the first part of TRAINYARD_REGISTRY', () => {
  assert.equal(registryHost('registry.example.com/team'), 'registry.example.com');
  assert.equal(registryHost('https://127.0.0.1:5000'), '127.0.0.1:5000');
});

test('environment credentials come first', async () => {
  const auth = await registryAuth('reg.example.com/ml', {
    TRAINYARD_REGISTRY_USERNAME: 'bot',
    TRAINYARD_REGISTRY_PASSWORD: 'pw',
    DOCKER_CONFIG: '/nonexistent',
  });
  assert.deepEqual(auth, { serveraddress: 'reg.example.com', username: 'bot', password: 'pw' });
});

test('the Docker config auths entry is used when the environment has none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-dockercfg-'));
  try {
    const auth = Buffer.from('alice:s3:cret').toString('base64');
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { 'https://reg.example.com': { auth } } }),
    );
    assert.deepEqual(await registryAuth('reg.example.com/ml', { DOCKER_CONFIG: dir }), {
      serveraddress: 'reg.example.com',
      username: 'alice',
      password: 's3:cret',
    });
    assert.equal(await registryAuth('other.example.com', { DOCKER_CONFIG: dir }), undefined);
    await writeFile(join(dir, 'config.json'), 'not json');
    assert.equal(await registryAuth('reg.example.com', { DOCKER_CONFIG: dir }), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('identity tokens are passed on as such', () => {
  assert.deepEqual(authFromDockerConfig({ 'reg.example.com': { identitytoken: 'tok' } }, 'reg.example.com'), {
    serveraddress: 'reg.example.com',
    identitytoken: 'tok',
  });
});
