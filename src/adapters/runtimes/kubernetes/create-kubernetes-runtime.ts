import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../../../config/env.ts';
import type { Metrics } from '../../../ports/metrics.ts';
import type { Logger } from '../../../shared/log.ts';
import { KubernetesRuntime, type KubernetesRuntimeOptions } from './KubernetesRuntime.ts';
import { KubeApi } from './kube-api.ts';
import { loadKubeConfig, resolveNamespace } from './kubeconfig.ts';

export interface CreateKubernetesRuntimeOptions {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Defaults to the kubeconfig kubectl would use (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeConfig?: KubeConfig;
  /** Fine-tuning for tests and benchmarks (grace, backoff, timeouts). */
  tuning?: Partial<Omit<KubernetesRuntimeOptions, 'api' | 'namespace' | 'context' | 'log' | 'metrics'>>;
}

/** The Kubernetes runtime for TRAINYARD_RUNTIME=kubernetes, wired to the configured cluster. */
export function createKubernetesRuntime(opts: CreateKubernetesRuntimeOptions): KubernetesRuntime {
  const kubeConfig = opts.kubeConfig ?? loadKubeConfig();
  const namespace = resolveNamespace(kubeConfig, opts.config.namespace);
  const context = kubeConfig.getCurrentContext();
  const log = opts.log.child({ component: 'kubernetes' });
  log.info('using the Kubernetes runtime', {
    context,
    server: kubeConfig.getCurrentCluster()?.server,
    namespace,
  });
  return new KubernetesRuntime({
    ...opts.tuning,
    api: new KubeApi(kubeConfig, opts.metrics),
    namespace,
    context,
    log,
    metrics: opts.metrics,
    artifactsClaim: opts.config.artifactsClaim,
    gitImage: opts.config.gitImage,
  });
}
