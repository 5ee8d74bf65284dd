import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

// Apart from kubeconfig.ts so that TRAINYARD_RUNTIME=auto can look for a cluster without loading
// @kubernetes/client-node (over a second of start-up and ~70 MB) when there is none.

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Whether a cluster is configured, as kubectl would find one: a file named by KUBECONFIG, else
 * ~/.kube/config, else the service account Kubernetes mounts into a pod. (TRAINYARD_RUNTIME=auto)
 */
export function findKubeconfig(
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
): boolean {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).some((file) => file !== '' && exists(file));
  const home = env.HOME || homedir();
  if (home && exists(join(home, '.kube', 'config'))) return true;
  return Boolean(env.KUBERNETES_SERVICE_HOST) && exists(SERVICE_ACCOUNT_TOKEN);
}

/** Where `findKubeconfig` looks, in words, for the message when it finds nothing. */
export function placesLooked(env: NodeJS.ProcessEnv): string {
  if (env.KUBECONFIG) return `KUBECONFIG=${env.KUBECONFIG}`;
  const home = env.HOME || homedir();
  return `${join(home, '.kube', 'config')} and the in-cluster service account token ${SERVICE_ACCOUNT_TOKEN}`;
}
