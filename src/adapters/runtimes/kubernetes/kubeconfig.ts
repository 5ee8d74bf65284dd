import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../../../config/env.ts';
import { findKubeconfig, placesLooked } from './find-kubeconfig.ts';

/**
 * Loads the kubeconfig the way kubectl does; a ConfigError with one plain sentence when it cannot
 * (the bot then refuses to start). Without this check client-node would quietly fall back to
 * http://localhost:8080 and every request would fail later.
 */
export function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): KubeConfig {
  if (!findKubeconfig(env)) {
    throw new ConfigError(
      `No kubeconfig or in-cluster service account was found for TRAINYARD_RUNTIME=kubernetes (looked at ${placesLooked(env)}); set KUBECONFIG to a kubeconfig file, run Trainyard inside the cluster, or set TRAINYARD_RUNTIME to docker or process.`,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new ConfigError(
      `The kubeconfig could not be read (${(err as Error).message}); set KUBECONFIG to a valid file or run inside the cluster.`,
    );
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError(
      'The kubeconfig has no current context with a cluster; run `kubectl config use-context <name>`.',
    );
  }
  return kc;
}

/** TRAINYARD_NAMESPACE, else the current context's namespace, else `default`. */
export function resolveNamespace(kc: KubeConfig, configured: string | undefined): string {
  return configured || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
