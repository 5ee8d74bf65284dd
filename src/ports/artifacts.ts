import type { RunArtifacts } from '../core/run/run.ts';

/**
 * What runs left in their artifacts folders, where the bot can see them: TRAINYARD_DATA/artifacts
 * for the process and docker runtimes, and for Kubernetes when the artifacts claim is also
 * mounted there in the bot's pod. Implementation: ArtifactFolders.
 */
export interface ArtifactLister {
  /** The run's files (at most MAX_LISTED_ARTIFACTS of them, with the total count); never throws. */
  list(runId: string): Promise<RunArtifacts>;
}
