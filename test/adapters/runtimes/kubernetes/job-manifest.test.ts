import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parseAllDocuments } from 'yaml';
import {
  jobSuffix,
  MAIN_CONTAINER,
  renderJobManifest,
  renderManifestYaml,
} from '../../../../src/adapters/runtimes/kubernetes/job-manifest.ts';
import { loadTemplates } from '../../../../src/adapters/templates/load-templates.ts';
import type { Run, RunSpec } from '../../../../src/core/run/run.ts';
import { jobName, labelValue } from '../../../../src/core/run/run-identity.ts';
import { buildRunSpec } from '../../../../src/core/template/build-run-spec.ts';
import { describeAllowed } from '../../../../src/core/template/param-value.ts';
import { resolveParams } from '../../../../src/core/template/resolve-params.ts';
import type { ParamDef } from '../../../../src/core/template/template.ts';
import { makeRun } from '../../../support/make-run.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function spec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    template: 'demo',
    params: { epochs: 3 },
    image: 'node:20-alpine',
    command: ['node', 'train.mjs'],
    args: ['--epochs', '3'],
    env: { TRAINYARD_PARAM_EPOCHS: '3' },
    workdir: '/t/demo',
    resources: { gpu: 0 },
    job: { backoffLimit: 0 },
    ...overrides,
  };
}

function run(overrides: Partial<Run> = {}): Run {
  return makeRun({
    id: 'r-abcdefghij',
    number: 42,
    launchedBy: 'U123',
    channel: 'C456',
    spec: spec(),
    ...overrides,
  });
}

function validate(job: object): void {
  // Throws with every schema violation listed when the object is not a valid batch/v1 Job.
  new Job(job as ConstructorParameters<typeof Job>[0]).validate();
}

describe('jobName', () => {
  it('is <template>-<number>-<suffix>', () => {
    assert.equal(jobName('demo', 42, 'k3x9z'), 'demo-42-k3x9z');
  });

  it('cuts the template part so the name stays a DNS label of at most 63 characters', () => {
    const long = `a${'-b'.repeat(40)}`;
    for (const number of [1, 99_999, 123_456_789]) {
      const name = jobName(long, number, 'k3x9z');
      assert.ok(name.length <= 63, name);
      assert.match(name, DNS_LABEL);
      assert.ok(name.endsWith(`-${number}-k3x9z`), name);
    }
    assert.equal(jobName('x'.repeat(80), 7, 'abcde').length, 63);
  });

  it('makes any template text a valid name', () => {
    assert.match(jobName('My_Model', 1, 'abcde'), DNS_LABEL);
    assert.equal(jobName('---', 1, 'abcde'), 'run-1-abcde');
  });
});

describe('labelValue', () => {
  it('keeps valid values and makes others valid', () => {
    assert.equal(labelValue('nightly'), 'nightly');
    assert.equal(labelValue('nightly resnet (gpu)'), 'nightly-resnet-gpu');
    assert.equal(labelValue('x'.repeat(70)).length, 63);
    assert.match(labelValue('__a b__'), /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });
});

describe('renderJobManifest', () => {
  it('renders a batch/v1 Job with the names, labels and annotations of DESIGN.md', () => {
    const job = renderJobManifest(run({ schedule: 'nightly resnet' }), { namespace: 'ml', suffix: 'k3x9z' });
    validate(job);
    const labels = {
      'app.kubernetes.io/managed-by': 'trainyard',
      'trainyard.io/run': 'r-abcdefghij',
      'trainyard.io/template': 'demo',
      'trainyard.io/schedule': 'nightly-resnet',
    };
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.equal(job.metadata?.name, 'demo-42-k3x9z');
    assert.equal(job.metadata?.namespace, 'ml');
    assert.deepEqual(job.metadata?.labels, labels);
    assert.deepEqual(job.spec?.template.metadata?.labels, labels);
    assert.deepEqual(job.metadata?.annotations, {
      'trainyard.io/launched-by': 'U123',
      'trainyard.io/channel': 'C456',
      'trainyard.io/params': '{"epochs":3}',
      'trainyard.io/run-number': '42',
    });
    const pod = job.spec?.template.spec;
    assert.equal(pod?.restartPolicy, 'Never');
    assert.equal(job.spec?.backoffLimit, 0);
    const [container] = pod?.containers ?? [];
    assert.equal(container.name, MAIN_CONTAINER);
    assert.equal(container.name, 'main');
    assert.equal(container.image, 'node:20-alpine');
    assert.equal(container.imagePullPolicy, undefined);
    assert.deepEqual(container.command, ['node', 'train.mjs']);
    assert.deepEqual(container.args, ['--epochs', '3']);
    assert.deepEqual(container.env, [
      { name: 'TRAINYARD_PARAM_EPOCHS', value: '3' },
      { name: 'TRAINYARD_ARTIFACTS', value: '/artifacts' },
    ]);
    assert.equal(container.resources, undefined);
    // Without an artifacts claim, /artifacts is there to write to but ends with the pod.
    assert.deepEqual(container.volumeMounts, [{ name: 'trainyard-artifacts', mountPath: '/artifacts' }]);
    assert.deepEqual(pod?.volumes, [{ name: 'trainyard-artifacts', emptyDir: {} }]);
    assert.equal(pod?.initContainers, undefined);
  });

  it('is checked by a schema check that does reject invalid Jobs', () => {
    const job = renderJobManifest(run(), { namespace: 'default', suffix: 'abcde' });
    const broken = JSON.parse(JSON.stringify(job));
    broken.spec.template.spec.containers[0].resources = { limits: { cpu: 'lots' } };
    assert.throws(() => validate(broken), /quantity/);
  });

  it('marks a sweep trial on the Job and its pod template: the sweep label and the trial annotation', () => {
    const trial = run({
      labels: { 'trainyard.io/sweep': 's-abcdefghij' },
      annotations: { 'trainyard.io/trial': '7' },
    });
    const job = renderJobManifest(trial, { namespace: 'ml', suffix: 'k3x9z' });
    validate(job);
    for (const meta of [job.metadata, job.spec?.template.metadata]) {
      assert.equal(meta?.labels?.['trainyard.io/sweep'], 's-abcdefghij');
      assert.equal(meta?.labels?.['trainyard.io/run'], 'r-abcdefghij');
      assert.equal(meta?.annotations?.['trainyard.io/trial'], '7');
    }
    assert.equal(job.metadata?.annotations?.['trainyard.io/run-number'], '42');
    assert.equal(
      renderJobManifest(run(), { namespace: 'ml' }).spec?.template.metadata?.annotations,
      undefined,
      'a run of its own has no pod annotations',
    );
  });

  it('leaves the schedule label off runs that no schedule started', () => {
    const job = renderJobManifest(run(), { namespace: 'default', suffix: 'abcde' });
    assert.equal(job.metadata?.labels?.['trainyard.io/schedule'], undefined);
  });

  it('maps cpu and memory to requests and limits, and gpu to nvidia.com/gpu limits', () => {
    const job = renderJobManifest(run({ spec: spec({ resources: { cpu: '2', memory: '4Gi', gpu: 2 } }) }), {
      namespace: 'default',
      suffix: 'abcde',
    });
    validate(job);
    assert.deepEqual(job.spec?.template.spec?.containers[0].resources, {
      requests: { cpu: '2', memory: '4Gi' },
      limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '2' },
    });
    const gpuOnly = renderJobManifest(run({ spec: spec({ resources: { gpu: 1 } }) }), {
      namespace: 'default',
      suffix: 'abcde',
    });
    assert.deepEqual(gpuOnly.spec?.template.spec?.containers[0].resources, {
      limits: { 'nvidia.com/gpu': '1' },
    });
  });

  it('pulls built images only when absent (their tag is content-addressed)', () => {
    const built = spec({
      build: { context: '/t/demo', dockerfile: 'Dockerfile', buildArgs: {} },
      image: 'reg/demo:abc123',
    });
    const job = renderJobManifest(run({ spec: built }), { namespace: 'default', suffix: 'abcde' });
    assert.equal(job.spec?.template.spec?.containers[0].imagePullPolicy, 'IfNotPresent');
  });

  it('names the Job after the run id, so the same run always gets the same name', () => {
    const job = renderJobManifest(run(), { namespace: 'ml' });
    assert.equal(job.metadata?.name, 'demo-42-fghij');
    assert.equal(renderJobManifest(run(), { namespace: 'ml' }).metadata?.name, job.metadata?.name);
    assert.equal(jobSuffix('r-abcdefghij'), 'fghij');
    assert.match(jobSuffix('x'), /^[a-f0-9]{5}$/, 'an id too short for a suffix is hashed');
    assert.notEqual(
      renderJobManifest(run({ id: 'r-abcdevwxyz' }), { namespace: 'ml' }).metadata?.name,
      job.metadata?.name,
    );
  });

  it('reads secretEnv from Secrets, and passes imagePullSecrets and serviceAccountName to the pod', () => {
    const job = renderJobManifest(
      run({
        spec: spec({
          env: { TRAINYARD_PARAM_EPOCHS: '3', HF_TOKEN: 'generated' },
          job: {
            backoffLimit: 0,
            secretEnv: {
              HF_TOKEN: { secret: 'hf', key: 'token' },
              WANDB_API_KEY: { secret: 'wandb', key: 'api.key' },
            },
            imagePullSecrets: ['ghcr-pull'],
            serviceAccountName: 'trainer',
          },
        }),
      }),
      { namespace: 'ml' },
    );
    validate(job);
    const pod = job.spec?.template.spec;
    assert.deepEqual(pod?.containers[0].env, [
      { name: 'TRAINYARD_PARAM_EPOCHS', value: '3' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
      { name: 'WANDB_API_KEY', valueFrom: { secretKeyRef: { name: 'wandb', key: 'api.key' } } },
      { name: 'TRAINYARD_ARTIFACTS', value: '/artifacts' },
    ]);
    assert.deepEqual(pod?.imagePullSecrets, [{ name: 'ghcr-pull' }]);
    assert.equal(pod?.serviceAccountName, 'trainer');
    const plain = renderJobManifest(run(), { namespace: 'ml' }).spec?.template.spec;
    assert.equal(plain?.imagePullSecrets, undefined);
    assert.equal(plain?.serviceAccountName, undefined);
  });

  it('mounts its own folder of the artifacts claim at /artifacts, and its inputs read-only under /inputs', () => {
    const job = renderJobManifest(
      run({
        spec: spec({
          inputs: [
            { path: 'prep', runId: 'r-prep000001' },
            { path: 'train/2', runId: 'r-train00002' },
          ],
          job: {
            backoffLimit: 0,
            volumes: [{ name: 'data', emptyDir: {} }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        }),
      }),
      { namespace: 'ml', artifactsClaim: 'trainyard-artifacts' },
    );
    validate(job);
    const pod = job.spec?.template.spec;
    assert.deepEqual(pod?.volumes, [
      { name: 'data', emptyDir: {} },
      { name: 'trainyard-artifacts', persistentVolumeClaim: { claimName: 'trainyard-artifacts' } },
    ]);
    const [main] = pod?.containers ?? [];
    assert.deepEqual(main.volumeMounts, [
      { name: 'data', mountPath: '/data' },
      { name: 'trainyard-artifacts', mountPath: '/artifacts', subPath: 'r-abcdefghij' },
      { name: 'trainyard-artifacts', mountPath: '/inputs/prep', subPath: 'r-prep000001', readOnly: true },
      { name: 'trainyard-artifacts', mountPath: '/inputs/train/2', subPath: 'r-train00002', readOnly: true },
    ]);
    assert.deepEqual(main.env?.slice(-2), [
      { name: 'TRAINYARD_ARTIFACTS', value: '/artifacts' },
      { name: 'TRAINYARD_INPUTS', value: '/inputs' },
    ]);
    // Without a claim there is nothing to read inputs from: no mounts, no TRAINYARD_INPUTS.
    const unkept = renderJobManifest(
      run({ spec: spec({ inputs: [{ path: 'prep', runId: 'r-prep000001' }] }) }),
      {
        namespace: 'ml',
      },
    ).spec?.template.spec?.containers[0];
    assert.deepEqual(
      unkept?.volumeMounts?.map((m) => m.mountPath),
      ['/artifacts'],
    );
    assert.ok(!unkept?.env?.some((e) => e.name === 'TRAINYARD_INPUTS'));
  });

  it('clones code from git in an init container into /code, the working directory, never putting the URL in the script', () => {
    const url = 'https://x-access-token:s3cret@git.example.com/team/repo.git';
    const job = renderJobManifest(run({ spec: spec({ code: { git: url, ref: 'v1.2' } }) }), {
      namespace: 'ml',
      gitImage: 'alpine/git:v2.47.2',
    });
    validate(job);
    const pod = job.spec?.template.spec;
    const [init] = pod?.initContainers ?? [];
    assert.equal(init.name, 'code');
    assert.equal(init.image, 'alpine/git:v2.47.2');
    assert.equal(init.command?.[0], 'sh');
    assert.ok(
      !init.command?.join(' ').includes('example.com'),
      'the URL is in a variable, not in the script',
    );
    assert.deepEqual(init.env?.slice(0, 2), [
      { name: 'TRAINYARD_GIT_URL', value: url },
      { name: 'TRAINYARD_GIT_REF', value: 'v1.2' },
    ]);
    assert.deepEqual(init.volumeMounts, [{ name: 'trainyard-code', mountPath: '/code' }]);
    assert.equal(init.terminationMessagePolicy, 'FallbackToLogsOnError');
    const [main] = pod?.containers ?? [];
    assert.equal(main.workingDir, '/code');
    assert.ok(main.volumeMounts?.some((m) => m.name === 'trainyard-code' && m.mountPath === '/code'));
    assert.ok(pod?.volumes?.some((v) => v.name === 'trainyard-code' && v.emptyDir));
  });

  it('refuses a run whose image is not built yet', () => {
    assert.throws(
      () => renderJobManifest(run({ spec: spec({ image: undefined }) }), { namespace: 'd', suffix: 'abcde' }),
      /no image yet/,
    );
  });

  it('writes YAML that reads back to the same objects, whatever the param text', () => {
    const tricky = 'a\nb: c\n---\n- {{x}} $(rm -rf /) "quoted" # not a comment';
    const job = renderJobManifest(
      run({ spec: spec({ args: [tricky], env: { NOTE: tricky }, params: { note: tricky } }) }),
      { namespace: 'default', suffix: 'abcde' },
    );
    const other = renderJobManifest(run({ number: 43 }), { namespace: 'default', suffix: 'fghij' });
    const docs = parseAllDocuments(renderManifestYaml([job, other]));
    assert.ok(Array.isArray(docs));
    assert.deepEqual(
      docs.map((d) => d.toJS()),
      [JSON.parse(JSON.stringify(job)), JSON.parse(JSON.stringify(other))],
    );
  });
});

/** Values at the edges of what a param allows, as a person would type them. */
function edgeValues(def: ParamDef): string[] {
  switch (def.type) {
    case 'bool':
      return ['true', 'false'];
    case 'enum':
      return def.values ?? [];
    case 'string':
      return ['', 'a\nb: c', '$(rm -rf /)'];
    case 'int':
    case 'float': {
      const step = def.type === 'int' ? 1 : 1e-6;
      const values = [];
      if (def.min !== undefined) values.push(def.exclusiveMin ? def.min + step : def.min);
      if (def.max !== undefined) values.push(def.exclusiveMax ? def.max - step : def.max);
      if (def.max === undefined) values.push(1e6);
      return values.map(String);
    }
  }
}

describe('every shipped template', async () => {
  const catalog = await loadTemplates(new URL('../../../../manifests', import.meta.url).pathname);
  assert.ok(catalog.templates.size >= 3);

  for (const template of catalog.templates.values()) {
    const cases: Record<string, string>[] = [{}];
    for (const def of template.params) {
      for (const value of edgeValues(def)) cases.push({ [def.name]: value });
    }
    it(`${template.name}: renders a valid Job with default and edge params (${cases.length} cases)`, () => {
      for (const raw of cases) {
        const params = resolveParams(template, raw);
        const hint = template.params.map((p) => `${p.name}: ${describeAllowed(p)}`).join('; ');
        assert.ok(params.ok, `${JSON.stringify(raw)} refused (${hint}): ${JSON.stringify(params)}`);
        const built = buildRunSpec(template, params.params);
        assert.ok(built.ok, `${JSON.stringify(raw)}: ${JSON.stringify(built)}`);
        const runSpec = {
          ...built.spec,
          image: built.spec.image ?? `registry.local/trainyard/${template.name}:0123abcd`,
        };
        const job = renderJobManifest(run({ spec: runSpec, number: 99_999, schedule: 'nightly' }), {
          namespace: 'ml-team',
          suffix: 'k3x9z',
        });
        validate(job);
        assert.match(job.metadata?.name ?? '', DNS_LABEL);
      }
    });
  }
});
