// Launch of a run whose image is already built: the build step (hash the context, find the
// content tag on the engine) against the cold build of the same template, measured in the
// same run. The template: FROM scratch + busybox + a RUN step + 5 MB of code and data.
// Each round changes one file so the cold build really builds (no layer cache).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connectDocker, dockerAnswers, noEngineMessage } from '../src/adapters/docker/docker-engine.ts';
import { createDockerImageBuilder } from '../src/adapters/images/DockerImageBuilder.ts';
import { silentLogger } from '../src/shared/log.ts';
import {
  BUSYBOX_DOCKERFILE,
  busyboxContext,
  removeDir,
  removeTemplateImages,
  uniqueName,
} from '../test/support/docker-engine.ts';

const ROUNDS = 5;
const WARM_PER_ROUND = 5;
const docker = connectDocker();
if (!(await dockerAnswers(docker))) {
  console.log(`skipped: ${noEngineMessage()}`);
  process.exit(0);
}

const template = uniqueName('ty-bench');
const dockerfile = `${BUSYBOX_DOCKERFILE}COPY . /app\nRUN ["/bin/busybox", "sh", "-c", "ls -R /app | wc -l"]\n`;
const dir = await busyboxContext(dockerfile, {
  'train.py': 'print("train")\n',
  'data.bin': randomBytes(5 * 1024 * 1024)
    .toString('base64')
    .slice(0, 5 * 1024 * 1024),
});
const spec = { context: dir, dockerfile: 'Dockerfile', buildArgs: { EPOCHS: '3' } };
const builder = createDockerImageBuilder({
  config: {},
  log: silentLogger,
  docker,
  env: {},
  networkMode: 'none',
});

const time = async (fn: () => Promise<unknown>) => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cold: number[] = [];
const warm: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    await writeFile(join(dir, 'version.txt'), `round ${round} ${Date.now()}\n`);
    cold.push(await time(() => builder.ensureImage(template, spec, () => {})));
    for (let i = 0; i < WARM_PER_ROUND; i++)
      warm.push(await time(() => builder.ensureImage(template, spec, () => {})));
  }
} finally {
  await removeTemplateImages(docker, [template]);
  await removeDir(dir);
}

const coldMs = median(cold);
const warmMs = median(warm);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}`);
console.log(`cold build (median of ${ROUNDS}): ${coldMs.toFixed(0)} ms`);
console.log(`image already built (median of ${warm.length}): ${warmMs.toFixed(1)} ms`);
console.log(`ratio: ${((warmMs / coldMs) * 100).toFixed(2)}% of the cold build (target ≤ 5%)`);
