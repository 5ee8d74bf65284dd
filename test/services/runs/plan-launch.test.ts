import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import type { TemplateCatalog } from '../../../src/core/template/template.ts';
import { planLaunch } from '../../../src/services/runs/plan-launch.ts';

function catalog(): TemplateCatalog {
  const parsed = (name: string, text: string) => {
    const result = parseTemplate(name, `/t/${name}.yaml`, `/t/${name}`, text);
    assert.ok(result.ok);
    return result.template;
  };
  return {
    templates: new Map([
      [
        'fromgit',
        parsed(
          'fromgit',
          'image: busybox\ncommand: [sh, run.sh]\ncode: { git: "https://git.example.com/r.git", ref: main }\n',
        ),
      ],
      ['plain', parsed('plain', 'image: busybox\ncommand: [echo]\n')],
    ]),
    pipelines: new Map([['flow', { name: 'flow', file: '/t/flow.yaml', params: [], steps: [] }]]),
    broken: new Map(),
  };
}

describe('planLaunch: --ref and pipelines', () => {
  it('carries the template’s code, and --ref replaces its ref', () => {
    const plain = planLaunch(catalog(), 'fromgit', {}, {});
    assert.ok(plain.ok);
    assert.deepEqual(plain.spec.code, { git: 'https://git.example.com/r.git', ref: 'main' });
    const pinned = planLaunch(catalog(), 'fromgit', {}, { ref: 'v1.2' });
    assert.ok(pinned.ok);
    assert.deepEqual(pinned.spec.code, { git: 'https://git.example.com/r.git', ref: 'v1.2' });
  });

  it('refuses --ref for a template without code from git, in one sentence', () => {
    assert.deepEqual(planLaunch(catalog(), 'plain', {}, { ref: 'main' }), {
      ok: false,
      error:
        '--ref picks the git branch, tag or commit of a template whose code comes from git; template plain has no code: section, so leave --ref out.',
    });
  });

  it('names --ref among the launch options when an option is unknown', () => {
    const result = planLaunch(catalog(), 'plain', {}, { rfe: 'x' });
    assert.ok(!result.ok);
    assert.match(result.error, /Did you mean "ref"\? A launch takes --gpu, --cpu, --memory, --ref\./);
  });

  it('tells a pipeline from a template where only templates go (schedules, sweeps, reruns)', () => {
    const result = planLaunch(catalog(), 'flow', {}, {});
    assert.ok(!result.ok);
    assert.match(result.error, /^flow is a pipeline/);
  });
});

describe('planLaunch: --cpu and --memory', () => {
  // One quantity rule: what a template may write in resources:, a launch option may give.
  for (const value of ['2', '500m', '0.5', '.5', '8Gi', '1e3', '64M']) {
    it(`takes --memory ${value} and --cpu ${value} exactly as a template's resources would`, () => {
      const template = parseTemplate(
        'sized',
        '/t/sized.yaml',
        '/t/sized',
        `image: busybox\ncommand: [echo]\nresources: { cpu: "${value}", memory: "${value}" }\n`,
      );
      assert.ok(template.ok, `a template takes ${value}`);
      const result = planLaunch(catalog(), 'plain', {}, { cpu: value, memory: value });
      assert.ok(result.ok, result.ok ? '' : result.error);
      assert.equal(result.spec.resources.memory, value);
      assert.equal(result.spec.resources.cpu, value);
    });
  }

  for (const value of ['8 Gi', '-1', 'lots', '1e', '8gb']) {
    it(`refuses --memory ${JSON.stringify(value)} in one sentence, as a template's resources would be`, () => {
      const template = parseTemplate(
        'sized',
        '/t/sized.yaml',
        '/t/sized',
        `image: busybox\ncommand: [echo]\nresources: { memory: "${value}" }\n`,
      );
      assert.ok(!template.ok, `a template refuses ${value}`);
      const result = planLaunch(catalog(), 'plain', {}, { memory: value });
      assert.deepEqual(result, {
        ok: false,
        error: `--memory must be a Kubernetes quantity such as 8Gi, not "${value}".`,
      });
    });
  }
});
