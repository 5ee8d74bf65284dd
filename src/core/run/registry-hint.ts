import type { RuntimeKind } from './run.ts';

/** Reasons about getting an image: a build, a pull (the engine's or the cluster's) or a push. */
const IMAGE_STEP = /image build|could not be pulled|cannot pull the image|to the registry/i;

/**
 * How engines and clusters say that no registry answered: DNS failures, refused or timed-out
 * connections. A job's own failure may say the same words; only image steps are looked at.
 */
const UNREACHABLE =
  /no such host|server misbehaving|temporary failure in name resolution|could not resolve|EAI_AGAIN|ENOTFOUND|connection refused|ECONNREFUSED|i\/o timeout|ETIMEDOUT|network is unreachable|ENETUNREACH|TLS handshake timeout/i;

export const REGISTRY_HINT =
  'No image registry could be reached; to try Trainyard without one, set TRAINYARD_RUNTIME=process to run jobs as local processes.';

/**
 * A run's reason with one more sentence when a build or pull failed because no registry could be
 * reached (the first thing a newcomer without registry access meets on docker or kubernetes).
 */
export function withRegistryHint(reason: string, runtime: RuntimeKind | undefined): string {
  if (runtime !== 'docker' && runtime !== 'kubernetes') return reason;
  if (!IMAGE_STEP.test(reason) || !UNREACHABLE.test(reason) || reason.includes(REGISTRY_HINT)) return reason;
  return `${reason.trimEnd()} ${REGISTRY_HINT}`;
}
