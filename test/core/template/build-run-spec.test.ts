import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildRunSpec } from '../../../src/core/template/build-run-spec.ts';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';
import type { Template } from '../../../src/core/template/template.ts';

function template(yaml: string): Template {
  const result = parseTemplate('t', '/tpl/t.yaml', '/tpl/t', yaml);
  assert.ok(result.ok, JSON.stringify(result));
  return result.template;
}

function spec(t: Template, raw: Record<string, string> = {}) {
  const params = resolveParams(t, raw);
  assert.ok(params.ok, JSON.stringify(params));
  const result = buildRunSpec(t, params.params);
  assert.ok(result.ok, JSON.stringify(result));
  return result.spec;
}

const TYPED = template(`
params:
  gpus: { type: int, default: 1, min: 0, max: 8 }
  deadline: { type: int, default: 600, min: 1 }
  note: { type: string, default: hello }
  cpu: { type: string, default: 500m }
image: busybox
command: [run, '--gpus={{gpus}}']
args: ['{{note}}', '{{ gpus }}', 'x-{{note}}-{{note}}', 7, true]
env: { NOTE: '{{note}}', COUNT: 3 }
resources: { cpu: '{{cpu}}', memory: 1Gi, gpu: '{{gpus}}' }
job:
  activeDeadlineSeconds: '{{deadline}}'
  nodeSelector: { pool: 'gpu-{{gpus}}' }
`);

describe('buildRunSpec', () => {
  it('keeps the type of a value that is exactly one placeholder, and makes embedded ones text', () => {
    const s = spec(TYPED, { gpus: '2' });
    assert.equal(s.resources.gpu, 2);
    assert.equal(s.job.activeDeadlineSeconds, 600);
    assert.deepEqual(s.command, ['run', '--gpus=2']);
    assert.deepEqual(s.args, ['hello', '2', 'x-hello-hello', '7', 'true']);
    assert.deepEqual(s.job.nodeSelector, { pool: 'gpu-2' });
    assert.equal(s.resources.cpu, '500m');
    assert.equal(s.resources.memory, '1Gi');
  });

  it('passes the template folder, params and their TRAINYARD_PARAM_ variables; template env wins', () => {
    const s = spec(TYPED);
    assert.equal(s.template, 't');
    assert.equal(s.workdir, '/tpl/t');
    assert.deepEqual(s.params, { gpus: 1, deadline: 600, note: 'hello', cpu: '500m' });
    assert.deepEqual(s.env, {
      TRAINYARD_PARAM_GPUS: '1',
      TRAINYARD_PARAM_DEADLINE: '600',
      TRAINYARD_PARAM_NOTE: 'hello',
      TRAINYARD_PARAM_CPU: '500m',
      NOTE: 'hello',
      COUNT: '3',
    });
    assert.equal(s.job.backoffLimit, 0);
    assert.equal(s.image, 'busybox');
    assert.equal(s.build, undefined);
  });

  it('never lets a value add structure or placeholders: YAML, shell and {{x}} stay literal text', () => {
    for (const note of ['a\nb: c', '{{gpus}}', '{{ cpu }}', '$(rm -rf /)', '; reboot', "' ]\n- injected"]) {
      const s = spec(TYPED, { note });
      assert.equal(s.args[0], note);
      assert.equal(s.args[2], `x-${note}-${note}`);
      assert.equal(s.env.NOTE, note);
      assert.equal(s.args.length, 5);
      assert.deepEqual(
        Object.keys(s.env).sort(),
        ['COUNT', 'NOTE', ...Object.keys(s.params).map((p) => `TRAINYARD_PARAM_${p.toUpperCase()}`)].sort(),
      );
    }
  });

  it('does not change the template it substitutes into', () => {
    spec(TYPED, { note: 'changed' });
    assert.deepEqual(TYPED.raw.args, ['{{note}}', '{{ gpus }}', 'x-{{note}}-{{note}}', 7, true]);
  });

  it('resolves the build context against the template folder', () => {
    const t = template(`
params: { v: { type: string, default: '3.11' } }
build: { context: ../shared, dockerfile: docker/Dockerfile.gpu, args: { PYTHON: '{{v}}', N: 2 }, target: train }
command: [python]
`);
    assert.deepEqual(spec(t, { v: '3.12' }).build, {
      context: '/tpl/shared',
      dockerfile: 'docker/Dockerfile.gpu',
      buildArgs: { PYTHON: '3.12', N: '2' },
      target: 'train',
    });
    assert.deepEqual(spec(template('build: {}\ncommand: [x]\n')).build?.context, '/tpl/t');
  });

  it('carries the progress pattern and Job settings through', () => {
    const t = template(`
image: busybox
command: [x]
progress: { pattern: 'it (?<current>\\d+)/(?<total>\\d+)' }
job:
  backoffLimit: 2
  ttlSecondsAfterFinished: 0
  tolerations: [{ key: gpu, operator: Exists, effect: NoSchedule }]
  volumes: [{ name: data, emptyDir: {} }]
  volumeMounts: [{ name: data, mountPath: /data }]
`);
    const s = spec(t);
    assert.equal(s.progressPattern, 'it (?<current>\\d+)/(?<total>\\d+)');
    assert.deepEqual(s.job, {
      backoffLimit: 2,
      ttlSecondsAfterFinished: 0,
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      volumes: [{ name: 'data', emptyDir: {} }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    });
    assert.deepEqual(s.resources, { gpu: 0 });
  });

  it('names the field when a param value makes an invalid spec', () => {
    const t = template(`
params:
  cpu: { type: string, default: '1' }
  mem: { type: string, default: 1Gi }
  gpus: { type: string, default: '0' }
  deadline: { type: string, default: '60' }
  image: { type: string, default: busybox }
  prog: { type: string, default: run }
image: '{{image}}'
command: ['{{prog}}']
resources: { cpu: '{{cpu}}', memory: '{{mem}}', gpu: '{{gpus}}' }
job: { activeDeadlineSeconds: '{{deadline}}' }
`);
    const fail = (raw: Record<string, string>) => {
      const params = resolveParams(t, raw);
      assert.ok(params.ok);
      const result = buildRunSpec(t, params.params);
      assert.equal(result.ok, false);
      return result.ok ? undefined : result;
    };
    assert.deepEqual(fail({ cpu: 'lots' }), {
      ok: false,
      field: 'resources.cpu',
      error: 'resources.cpu must be a Kubernetes quantity like 500m, 2 or 4Gi, not "lots".',
    });
    assert.equal(fail({ mem: '4 GB' })?.field, 'resources.memory');
    assert.equal(
      fail({ gpus: '1.5' })?.error,
      'resources.gpu must be a whole number of at least 0, not "1.5".',
    );
    assert.equal(fail({ deadline: '0' })?.field, 'job.activeDeadlineSeconds');
    assert.equal(fail({ image: 'two words' })?.field, 'image');
    assert.equal(fail({ prog: '' })?.field, 'command.0');
    assert.equal(spec(t, { gpus: '3' }).resources.gpu, 3);
  });

  it('asks for a param the caller did not resolve', () => {
    const t = template(
      `params: { n: { type: int, required: true } }\nimage: busybox\ncommand: [x, '{{n}}']\n`,
    );
    assert.deepEqual(buildRunSpec(t, {}), {
      ok: false,
      field: 'params.n',
      error: 'Template t needs a value for n; give it as n=<value>.',
    });
  });
});

describe('buildRunSpec with any param text (property)', () => {
  const t = template(`
params: { note: { type: string, default: x } }
image: busybox
command: [echo, '{{note}}', 'pre-{{note}}-post']
env: { NOTE: '{{note}}' }
`);

  it('puts the value in literally, whatever it holds, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (note) => {
        const params = resolveParams(t, { note });
        assert.ok(params.ok);
        const result = buildRunSpec(t, params.params);
        assert.ok(result.ok);
        assert.deepEqual(result.spec.command, ['echo', note, `pre-${note}-post`]);
        assert.equal(result.spec.env.NOTE, note);
      }),
      { numRuns: 500 },
    );
  });
});
