import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../../src/adapters/images/DockerImageBuilder.ts';
import { createDockerRuntime } from '../../../../src/adapters/runtimes/docker/DockerRuntime.ts';
import { demuxAll } from '../../../../src/adapters/runtimes/docker/log-frames.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import {
  BUSYBOX_DOCKERFILE,
  busyboxContext,
  dockerForTests,
  removeDir,
  removeTemplateImages,
  uniqueName,
} from '../../../support/docker-engine.ts';
import { eventually } from '../../../support/eventually.ts';
import { makeRun } from '../../../support/make-run.ts';
import {
  type ContractBackend,
  describeRuntimeContract,
  type JobScript,
} from '../../../support/runtime-contract.ts';

const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const docker = 'docker' in engine ? engine.docker : new Docker();

/** The busybox shell script that plays a job's script; lines come as its arguments, never as code. */
function shell(script: JobScript): string[] {
  switch (script.kind) {
    case 'finite':
      return [`for l in "$@"; do echo "$l"; done; exit ${script.exitCode}`, 'sh', ...script.lines];
    case 'gated': {
      const after = script.after.map((l) => `echo '${l}'`).join('; ');
      return [
        `trap '${after.replaceAll("'", "'\\''")}; exit ${script.exitCode}' USR1; for l in "$@"; do echo "$l"; done; while true; do sleep 0.05; done`,
        'sh',
        ...script.before,
      ];
    }
    case 'ticker':
      return [
        'i=0; trap "echo bye; exit 0" TERM; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done',
      ];
  }
}

async function dockerBackend(): Promise<ContractBackend> {
  const template = uniqueName('ty-contract');
  const context = await busyboxContext(BUSYBOX_DOCKERFILE);
  const builder = createDockerImageBuilder({ config: {}, log: silentLogger, docker, env: {} });
  const image = await builder.ensureImage(
    template,
    { context, dockerfile: 'Dockerfile', buildArgs: {} },
    () => {},
  );
  let counter = 0;
  const containerOf = (handle = '') => docker.getContainer(handle);
  return {
    survivesRestart: true,
    newRuntime: () =>
      createDockerRuntime({ config: {}, log: silentLogger, docker, network: 'none', stopGraceSeconds: 2 }),
    job: (script) =>
      makeRun(
        { number: ++counter },
        { template, image, command: ['/bin/busybox', 'sh', '-c'], args: shell(script) },
      ),
    play: async () => {},
    release: async (run) => {
      await containerOf(run.placement?.handle).kill({ signal: 'USR1' });
    },
    endedOnBackend: async (run) => {
      await containerOf(run.placement?.handle).wait();
    },
    printed: async (run, line) => {
      await eventually(
        `the container to print ${line}`,
        async () => {
          const reply = (await containerOf(run.placement?.handle).logs({
            stdout: true,
            stderr: true,
            follow: false,
          })) as unknown as Buffer;
          return demuxAll(reply).split('\n').includes(line);
        },
        { everyMs: 25 },
      );
    },
    close: async () => {
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`trainyard.io/template=${template}`] },
      });
      for (const c of left)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
      await removeTemplateImages(docker, [template]);
      await removeDir(context);
    },
  };
}

describeRuntimeContract('docker (real engine)', dockerBackend, { skip });
