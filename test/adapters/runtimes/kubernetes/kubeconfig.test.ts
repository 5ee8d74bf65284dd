import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { findKubeconfig } from '../../../../src/adapters/runtimes/kubernetes/find-kubeconfig.ts';
import { resolveNamespace } from '../../../../src/adapters/runtimes/kubernetes/kubeconfig.ts';

const files =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

describe('findKubeconfig', () => {
  it('finds a file named by KUBECONFIG (any of a list)', () => {
    assert.equal(findKubeconfig({ KUBECONFIG: '/a:/b' }, files('/b')), true);
    assert.equal(findKubeconfig({ KUBECONFIG: '/a' }, files()), false);
  });

  it('falls back to ~/.kube/config, then to the in-cluster service account', () => {
    assert.equal(findKubeconfig({ HOME: '/home/x' }, files(join('/home/x', '.kube', 'config'))), true);
    const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    assert.equal(
      findKubeconfig({ HOME: '/home/x', KUBERNETES_SERVICE_HOST: '10.0.0.1' }, files(token)),
      true,
    );
    assert.equal(findKubeconfig({ HOME: '/home/x' }, files(token)), false);
  });
});

describe('resolveNamespace', () => {
  const kc = (namespace?: string) => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace }],
      currentContext: 'ctx',
    });
    return config;
  };

  it("prefers TRAINYARD_NAMESPACE, then the context's namespace, then default", () => {
    assert.equal(resolveNamespace(kc('team'), 'ml'), 'ml');
    assert.equal(resolveNamespace(kc('team'), undefined), 'team');
    assert.equal(resolveNamespace(kc(), undefined), 'default');
  });
});
