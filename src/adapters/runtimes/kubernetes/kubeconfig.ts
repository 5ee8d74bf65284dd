import { KubeConfig } from '@kubernetes/client-node';

/** Loads the kubeconfig the way kubectl does; one plain sentence when it cannot. */
export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new Error(
      `The kubeconfig could not be read (${(err as Error).message}); set KUBECONFIG to a valid file or run inside the cluster.`,
    );
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(
      'The kubeconfig has no current context with a cluster; run `kubectl config use-context <name>`.',
    );
  }
  return kc;
}

/** TRAINYARD_NAMESPACE, else the current context's namespace, else `default`. */
export function resolveNamespace(kc: KubeConfig, configured: string | undefined): string {
  return configured || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
