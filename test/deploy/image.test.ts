import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

// No image can be built or pulled on these machines, so the Dockerfile is checked as text:
// what each stage copies and runs. test/deploy/dist.test.ts checks what dist/ itself needs.

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name?: string;
  from: string;
  steps: Instruction[];
}

/** The Dockerfile's global ARGs and its stages, with line continuations joined. */
function readDockerfile(path: string): { args: Map<string, string>; stages: Stage[] } {
  const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    if (instruction.op === 'FROM') {
      const [, from, name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args) ?? [];
      stages.push({ from, name, steps: [] });
    } else if (stages.length === 0 && instruction.op === 'ARG') {
      const [name, value] = instruction.args.split('=');
      args.set(name, value);
    } else stages.at(-1)?.steps.push(instruction);
  }
  return { args, stages };
}

const { args, stages } = readDockerfile('deploy/Dockerfile');
const stage = (name: string) => stages.find((s) => s.name === name) as Stage;
const final = stages.at(-1) as Stage;
const runs = (s: Stage) => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args);
/** COPY instructions as [from stage or 'context', source]. */
const copies = (s: Stage) =>
  s.steps
    .filter((i) => i.op === 'COPY')
    .flatMap((i) => {
      const from = /--from=(\S+)/.exec(i.args)?.[1] ?? 'context';
      const paths = i.args.replace(/--\S+/g, '').trim().split(' ');
      return paths.slice(0, -1).map((source) => [from, source]);
    });
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('deploy/Dockerfile', () => {
  it('runs on the Node the tests run on: every stage on NODE_VERSION, which package.json engines allows', () => {
    const version = args.get('NODE_VERSION');
    assert.match(version ?? '', /^\d+\.\d+$/, 'ARG NODE_VERSION=<major>.<minor> before the first FROM');
    for (const s of stages) assert.match(s.from, /^node:\$\{NODE_VERSION\}-slim$/);
    const [, major, minor] = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node) ?? [];
    const [imageMajor, imageMinor] = (version as string).split('.').map(Number);
    assert.equal(imageMajor, Number(major), 'the image uses the major that engines starts at (and CI tests)');
    assert.ok(imageMinor >= Number(minor), `node ${version} is older than engines ${pkg.engines.node}`);
  });

  it('compiles dist/ in a build stage that has the dev dependencies', () => {
    const build = stage('build');
    assert.ok(runs(build).some((r) => /^npm ci\b/.test(r) && !r.includes('--omit=dev')));
    assert.deepEqual(
      copies(build).map(([, source]) => source),
      ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src'],
    );
    assert.equal(runs(build).at(-1), 'npm run build');
    assert.equal(pkg.scripts.build, 'node scripts/build.mjs');
  });

  it('installs production dependencies only, without running install scripts (prepare has no compiler there)', () => {
    const [install] = runs(stage('deps'));
    assert.match(install, /^npm ci /);
    assert.ok(install.includes('--omit=dev'), install);
    assert.ok(install.includes('--ignore-scripts'), install);
  });

  it('ships only dist/, bin/, package.json, the templates and the production node_modules', () => {
    assert.deepEqual(copies(final).sort(), [
      ['build', '/app/dist'],
      ['context', 'bin'],
      ['context', 'manifests'],
      ['context', 'package.json'],
      ['deps', '/app/node_modules'],
    ]);
    // System packages (e.g. fonts for charts) may be installed there; npm packages and builds may not.
    for (const run of runs(final)) assert.doesNotMatch(run, /\b(npm|npx|tsc|tsx)\b/, run);
    assert.ok(final.steps.some((i) => i.op === 'USER' && i.args === '1000:1000'));
  });

  it('runs bin/trainyard.mjs, the entry point the end-to-end tests spawn, as the Deployment asks', () => {
    const entrypoint = final.steps.find((i) => i.op === 'ENTRYPOINT')?.args;
    const cmd = final.steps.find((i) => i.op === 'CMD')?.args;
    assert.deepEqual(JSON.parse(entrypoint ?? ''), ['node', 'bin/trainyard.mjs']);
    assert.deepEqual(JSON.parse(cmd ?? ''), ['start']);
    assert.equal(pkg.bin.trainyard, 'bin/trainyard.mjs');
    const deployment = parse(readFileSync('deploy/deployment.yaml', 'utf8'));
    assert.deepEqual(deployment.spec.template.spec.containers[0].args, ['start']);
  });

  it('leaves tsx, esbuild and TypeScript out of a production install', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
    const production = Object.entries(lock.packages as Record<string, { dev?: boolean }>)
      .filter(([path, entry]) => path !== '' && !entry.dev)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    for (const name of ['tsx', 'esbuild', 'typescript', '@esbuild/linux-x64', 'get-tsconfig'])
      assert.ok(!production.includes(name), `${name} would be installed by npm ci --omit=dev`);
    assert.ok(production.includes('prom-client'));
    assert.equal(pkg.dependencies.tsx, undefined);
  });

  it('keeps dist/ and node_modules of the checkout out of the build context', () => {
    const ignored = readFileSync('deploy/Dockerfile.dockerignore', 'utf8').split('\n');
    for (const entry of ['dist', 'node_modules', 'data']) assert.ok(ignored.includes(entry), entry);
  });
});
