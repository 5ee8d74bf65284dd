import type { BuildSpec } from '../core/run/run.ts';

export interface BuildProgress {
  step?: number;
  totalSteps?: number;
  line: string;
}

/** Builds (or finds) the image for a template with a build section. Implementation: DockerImageBuilder. */
export interface ImageBuilder {
  /**
   * Returns the image reference to run. Reuses an image with the same content tag
   * (local or in the registry); concurrent calls for the same tag share one build.
   * Rejects with BuildError whose message is one sentence for people.
   */
  ensureImage(template: string, build: BuildSpec, onProgress: (p: BuildProgress) => void): Promise<string>;
}

export class BuildError extends Error {
  constructor(
    message: string,
    /** Last lines of the build output, for the failure notice. */
    readonly lastLines: string[] = [],
  ) {
    super(message);
    this.name = 'BuildError';
  }
}
