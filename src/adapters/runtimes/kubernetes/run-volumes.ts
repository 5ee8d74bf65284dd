import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Run } from '../../../core/run/run.ts';
import { CONTAINER_PATHS, runFolderEnv } from '../../../core/run/run-identity.ts';

/**
 * The parts of a run's Job that give it its folders: artifacts, the artifacts of the runs it
 * reads, and its code from git.
 * - With an artifacts claim (a ReadWriteMany PersistentVolumeClaim) every run mounts its own
 *   folder of it, `subPath: <run id>`, at /artifacts, and each input run's folder read-only at
 *   /inputs/<step>. The kubelet creates a missing subPath folder, so an input that wrote nothing
 *   is an empty folder.
 * - Without one, /artifacts is an emptyDir that ends with the pod: TRAINYARD_ARTIFACTS is still
 *   there to write to, nothing is kept, and no run sees another's.
 * - Code from git: an init container clones into an emptyDir at /code, which becomes the main
 *   container's working directory, and prints the commit it checked out (see CODE_COMMIT_PREFIX).
 */

/** Volume names of Trainyard's own, prefixed so they never clash with a template's volumes. */
const ARTIFACTS_VOLUME = 'trainyard-artifacts';
const CODE_VOLUME = 'trainyard-code';
/** The init container that clones a run's code; its log carries the commit. */
export const CODE_CONTAINER = 'code';
/** The init container's last line: `trainyard-commit <sha>`. */
export const CODE_COMMIT_PREFIX = 'trainyard-commit ';

/**
 * The clone, as a shell script that never has a URL or ref in its text: both come in variables,
 * so nothing in them can change what the script does. `--` keeps git from reading either as an
 * option.
 */
const CLONE_SCRIPT = [
  'set -eu',
  `git clone --quiet --no-checkout -- "$TRAINYARD_GIT_URL" ${CONTAINER_PATHS.code}`,
  `cd ${CONTAINER_PATHS.code}`,
  'git checkout --quiet "$TRAINYARD_GIT_REF" --',
  `echo "${CODE_COMMIT_PREFIX}$(git rev-parse HEAD)"`,
].join('\n');

export interface VolumeOptions {
  /** TRAINYARD_ARTIFACTS_CLAIM; without it artifacts are not kept. */
  artifactsClaim?: string;
  /** TRAINYARD_GIT_IMAGE: the image of the clone. */
  gitImage: string;
}

export interface RunVolumeParts {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  env: V1EnvVar[];
  initContainers: V1Container[];
  workingDir?: string;
}

export function runVolumeParts(run: Run, opts: VolumeOptions): RunVolumeParts {
  const { spec } = run;
  const claim = opts.artifactsClaim;
  const parts: RunVolumeParts = {
    volumes: [
      claim
        ? { name: ARTIFACTS_VOLUME, persistentVolumeClaim: { claimName: claim } }
        : { name: ARTIFACTS_VOLUME, emptyDir: {} },
    ],
    mounts: [
      { name: ARTIFACTS_VOLUME, mountPath: CONTAINER_PATHS.artifacts, ...(claim && { subPath: run.id }) },
    ],
    env: [],
    initContainers: [],
  };
  const inputs = claim ? (spec.inputs ?? []) : [];
  const folders = runFolderEnv(
    CONTAINER_PATHS.artifacts,
    inputs.length > 0 ? CONTAINER_PATHS.inputs : undefined,
  );
  parts.env.push(...Object.entries(folders).map(([name, value]) => ({ name, value })));
  for (const input of inputs) {
    parts.mounts.push({
      name: ARTIFACTS_VOLUME,
      mountPath: `${CONTAINER_PATHS.inputs}/${input.path}`,
      subPath: input.runId,
      readOnly: true,
    });
  }
  if (spec.code) {
    parts.volumes.push({ name: CODE_VOLUME, emptyDir: {} });
    parts.mounts.push({ name: CODE_VOLUME, mountPath: CONTAINER_PATHS.code });
    parts.workingDir = CONTAINER_PATHS.code;
    parts.initContainers.push({
      name: CODE_CONTAINER,
      image: opts.gitImage,
      command: ['sh', '-c', CLONE_SCRIPT],
      env: [
        { name: 'TRAINYARD_GIT_URL', value: spec.code.git },
        // `HEAD` of a clone without checkout: the repository's default branch.
        { name: 'TRAINYARD_GIT_REF', value: spec.code.ref ?? 'HEAD' },
        // Never wait for a password that is not there: a clone that needs one fails at once.
        { name: 'GIT_TERMINAL_PROMPT', value: '0' },
      ],
      volumeMounts: [{ name: CODE_VOLUME, mountPath: CONTAINER_PATHS.code }],
      // A failed clone's last lines become its termination message (credentials redacted when shown).
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  }
  return parts;
}

/** The commit in the init container's log (its last `trainyard-commit <sha>` line), if any. */
export function commitFromLog(log: string): string | undefined {
  let commit: string | undefined;
  for (const line of log.split('\n')) {
    const text = line.trim();
    if (!text.startsWith(CODE_COMMIT_PREFIX)) continue;
    const sha = text.slice(CODE_COMMIT_PREFIX.length).trim();
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) commit = sha;
  }
  return commit;
}
