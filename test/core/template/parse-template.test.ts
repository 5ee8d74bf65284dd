import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import type { TemplateProblem } from '../../../src/core/template/template.ts';

const FILE = '/templates/t.yaml';

function problemsOf(yaml: string): TemplateProblem[] {
  const result = parseTemplate('t', FILE, '/templates/t', yaml);
  assert.equal(result.ok, false, 'expected the template to be refused');
  return result.ok ? [] : result.problems;
}

/** The problem at `field`; fails when there is none. */
function problemAt(yaml: string, field: string): TemplateProblem {
  const problems = problemsOf(yaml);
  const found = problems.find((p) => p.field === field);
  assert.ok(found, `no problem at ${field}; got ${JSON.stringify(problems)}`);
  assert.equal(found.file, FILE);
  assert.match(found.message, /^[A-Z"{a-z].*\.$/, 'a sentence ending with a full stop');
  return found;
}

const MINIMAL = 'image: busybox\ncommand: [sleep, "1"]\n';

describe('parseTemplate', () => {
  it('reads a full template into params and raw values, with defaults filled in', () => {
    const result = parseTemplate(
      't',
      FILE,
      '/templates/t',
      `description: demo
params:
  epochs: { type: int, default: 5, min: 1, max: 10, help: passes }
  lr: { type: float, default: 0.1, min: 0, exclusiveMin: true }
  opt: { type: enum, values: [sgd, adam], default: sgd }
  name: { type: string, required: true, pattern: '[a-z]+' }
image: busybox
command: [train]
args: [--epochs, '{{epochs}}']
progress: { pattern: 'it (?<current>\\d+) of (?<total>\\d+)' }
`,
    );
    assert.ok(result.ok, JSON.stringify(result));
    const t = result.template;
    assert.equal(t.description, 'demo');
    assert.deepEqual(t.params[0], {
      name: 'epochs',
      type: 'int',
      required: false,
      default: 5,
      min: 1,
      max: 10,
      help: 'passes',
    });
    assert.deepEqual(t.params[3], { name: 'name', type: 'string', required: true, pattern: '[a-z]+' });
    assert.deepEqual(t.raw.args, ['--epochs', '{{epochs}}']);
    assert.deepEqual(t.raw.env, {});
    assert.deepEqual(t.raw.job, { backoffLimit: 0 });
  });

  it('defaults a build section to the template folder and its Dockerfile', () => {
    const result = parseTemplate('t', FILE, '/templates/t', 'build: {}\ncommand: [x]\n');
    assert.ok(result.ok);
    assert.deepEqual(result.template.raw.build, { context: '.', dockerfile: 'Dockerfile', args: {} });
  });

  it('reports YAML syntax errors', () => {
    const [p] = problemsOf('command: [a\nimage: b: c\n');
    assert.match(p.message, /not valid YAML/);
  });

  it('reports a file that is not a map', () => {
    assert.match(problemsOf('- a\n- b\n')[0].message, /must be a YAML map/);
    assert.match(problemsOf('')[0].message, /must be a YAML map/);
  });

  it('reports unknown keys at every level, with the allowed keys', () => {
    assert.match(
      problemAt(`${MINIMAL}imgae: x\n`, 'imgae').message,
      /allowed keys are description, params, image/,
    );
    assert.match(
      problemAt(`${MINIMAL}params: { a: { type: int, default: 1, maxx: 3 } }\n`, 'params.a.maxx').message,
      /min, max/,
    );
    problemAt(`${MINIMAL}resources: { gpus: 1 }\n`, 'resources.gpus');
    problemAt(`${MINIMAL}job: { retries: 1 }\n`, 'job.retries');
    problemAt(`${MINIMAL}job: { tolerations: [{ key: a, effects: x }] }\n`, 'job.tolerations.0.effects');
    problemAt('build: { contxt: . }\ncommand: [x]\n', 'build.contxt');
    problemAt(`${MINIMAL}progress: { regex: x }\n`, 'progress.regex');
  });

  it('reports wrong types and missing fields', () => {
    assert.equal(problemAt('image: busybox\n', 'command').message, 'command is required.');
    assert.equal(
      problemAt(`${MINIMAL}params: { a: { type: int, default: 1, min: ten } }\n`, 'params.a.min').message,
      'min must be a number.',
    );
    assert.equal(problemAt('image: busybox\ncommand: run\n', 'command').message, 'command must be a list.');
    problemAt(`${MINIMAL}env: { A: [1] }\n`, 'env.A');
    problemAt(`${MINIMAL}job: { backoffLimit: lots }\n`, 'job.backoffLimit');
    problemAt(`${MINIMAL}job: { backoffLimit: -1 }\n`, 'job.backoffLimit');
    problemAt(`${MINIMAL}job: { nodeSelector: { pool: [a] } }\n`, 'job.nodeSelector.pool');
  });

  it('reports bad enum choices, empty lists and bad env names', () => {
    assert.match(
      problemAt(`${MINIMAL}params: { a: { type: integer, default: 1 } }\n`, 'params.a.type').message,
      /one of int, float/,
    );
    assert.match(problemAt('image: busybox\ncommand: []\n', 'command').message, /at least 1 item/);
    assert.match(problemAt(`${MINIMAL}env: { 'A B': x }\n`, 'env.A B').message, /environment variable name/);
    problemAt(`${MINIMAL}job: { tolerations: [{ effect: Sometimes }] }\n`, 'job.tolerations.0.effect');
  });

  it('needs exactly one of image and build', () => {
    assert.match(problemsOf('command: [x]\n')[0].message, /exactly one of image/);
    assert.match(problemsOf('image: a\nbuild: {}\ncommand: [x]\n')[0].message, /exactly one of image/);
  });

  it('checks each param for consistent settings', () => {
    const params = (p: string) => `${MINIMAL}params: { a: ${p} }\n`;
    assert.match(
      problemAt(params('{ type: string, default: x, min: 1 }'), 'params.a.min').message,
      /only to int and float/,
    );
    assert.match(
      problemAt(params('{ type: int, default: 1, min: 0.5 }'), 'params.a.min').message,
      /whole number/,
    );
    assert.match(
      problemAt(params('{ type: int, default: 5, min: 10, max: 1 }'), 'params.a.max').message,
      /below min/,
    );
    assert.match(
      problemAt(params('{ type: float, default: 1, exclusiveMin: true }'), 'params.a.exclusiveMin').message,
      /needs a min/,
    );
    assert.match(
      problemAt(params('{ type: string, default: x, pattern: "(" }'), 'params.a.pattern').message,
      /not a valid regular/,
    );
    assert.match(
      problemAt(params('{ type: int, default: 1, pattern: "x" }'), 'params.a.pattern').message,
      /only to string/,
    );
    assert.match(problemAt(params('{ type: enum, default: x }'), 'params.a.values').message, /needs a list/);
    assert.match(
      problemAt(params('{ type: int, default: 1, values: [a] }'), 'params.a.values').message,
      /only to enum/,
    );
    assert.match(
      problemAt(params('{ type: int, default: 1, required: true }'), 'params.a.default').message,
      /cannot have a default/,
    );
    assert.match(problemAt(params('{ type: int }'), 'params.a').message, /default, or set required/);
  });

  it('checks defaults against their own type and bounds', () => {
    const params = (p: string) => `${MINIMAL}params: { a: ${p} }\n`;
    assert.equal(
      problemAt(params('{ type: int, default: 0, min: 1, max: 10 }'), 'params.a.default').message,
      'default must be a whole number from 1 to 10, not 0.',
    );
    problemAt(params('{ type: int, default: 1.5 }'), 'params.a.default');
    problemAt(params('{ type: float, default: 0, min: 0, exclusiveMin: true }'), 'params.a.default');
    problemAt(params('{ type: bool, default: "yes" }'), 'params.a.default');
    problemAt(params('{ type: enum, values: [a, b], default: c }'), 'params.a.default');
    problemAt(params('{ type: string, pattern: "[a-z]+", default: "ABC" }'), 'params.a.default');
    problemAt(params('{ type: string, default: 5 }'), 'params.a.default');
  });

  it('refuses param names that are not plain lowercase words, and the reserved name model', () => {
    assert.match(
      problemAt(`${MINIMAL}params: { Epochs: { type: int, default: 1 } }\n`, 'params.Epochs').message,
      /lowercase/,
    );
    assert.match(
      problemAt(`${MINIMAL}params: { model: { type: string, default: x } }\n`, 'params.model').message,
      /reserved/,
    );
  });

  it('refuses placeholders that name no declared param, wherever they are', () => {
    const yaml = `params: { epochs: { type: int, default: 1 } }
image: 'repo/{{tag}}'
command: [run, '--n={{ epochs }}', '{{epoch}}']
env: { A: 'x{{nope}}' }
resources: { gpu: '{{gpus}}' }
`;
    const problems = problemsOf(yaml);
    assert.deepEqual(
      problems.map((p) => p.field),
      ['image', 'command.2', 'env.A', 'resources.gpu'],
    );
    assert.equal(problems[1].message, '{{epoch}} is not a declared param (declared params: epochs).');
  });

  it('refuses a progress pattern that does not compile', () => {
    assert.match(
      problemAt(`${MINIMAL}progress: { pattern: '(?<x' }\n`, 'progress.pattern').message,
      /not a valid regular/,
    );
  });

  it('renders once with the defaults, so a default that makes a bad value is caught', () => {
    const yaml = `params: { cpu: { type: string, default: lots } }
image: busybox
command: [x]
resources: { cpu: '{{cpu}}' }
`;
    assert.match(
      problemAt(yaml, 'resources.cpu').message,
      /^With the defaults, resources.cpu must be a Kubernetes quantity/,
    );
    problemAt(`${MINIMAL}resources: { memory: 4 GB }\n`, 'resources.memory');
    problemAt(`${MINIMAL}resources: { gpu: -1 }\n`, 'resources.gpu');
  });

  it('reads an optional objective, the metric and goal sweeps optimise by default', () => {
    const result = parseTemplate(
      't',
      FILE,
      '/templates/t',
      `${MINIMAL}objective: { metric: val/acc, goal: max }\n`,
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.template.objective, { metric: 'val/acc', goal: 'max' });
    const without = parseTemplate('t', FILE, '/templates/t', MINIMAL);
    assert.ok(without.ok);
    assert.equal('objective' in without.template, false);
  });

  it('refuses an objective that is not a metric name and a goal of min or max', () => {
    assert.equal(
      problemAt(`${MINIMAL}objective: { metric: 'two words', goal: min }\n`, 'objective.metric').message,
      'metric must be a metric name as the logs print it: letters, digits, _ . / -, starting with a letter or _, at most 40 characters.',
    );
    assert.equal(
      problemAt(`${MINIMAL}objective: { metric: loss, goal: down }\n`, 'objective.goal').message,
      'goal must be one of min, max.',
    );
    assert.equal(
      problemAt(`${MINIMAL}objective: { metric: loss }\n`, 'objective.goal').message,
      'goal is required.',
    );
    assert.equal(
      problemAt(`${MINIMAL}objective: { goal: min }\n`, 'objective.metric').message,
      'metric is required.',
    );
    assert.match(
      problemAt(`${MINIMAL}objective: { metric: loss, goal: min, direction: up }\n`, 'objective.direction')
        .message,
      /allowed keys are metric, goal/,
    );
    assert.equal(problemAt(`${MINIMAL}objective: loss\n`, 'objective').message, 'objective must be a map.');
  });

  it('reports every problem of a file at once', () => {
    const problems = problemsOf(`${MINIMAL}params:
  a: { type: int, default: 0, min: 1 }
  b: { type: enum }
`);
    assert.ok(problems.length >= 2, JSON.stringify(problems));
  });
});

describe('parseTemplate: objective, outputs and code', () => {
  it('reads them into the template', () => {
    const result = parseTemplate(
      't',
      FILE,
      '/templates/t',
      `${MINIMAL}objective: { metric: loss, goal: min }
outputs: [rows, model_path]
code: { git: 'https://github.com/acme/models.git', ref: v1.2 }
`,
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.template.objective, { metric: 'loss', goal: 'min' });
    assert.deepEqual(result.template.outputs, ['rows', 'model_path']);
    assert.deepEqual(result.template.code, { git: 'https://github.com/acme/models.git', ref: 'v1.2' });
  });

  it('leaves them out when the file has none', () => {
    const result = parseTemplate('t', FILE, '/templates/t', MINIMAL);
    assert.ok(result.ok);
    assert.deepEqual(
      ['objective', 'outputs', 'code'].filter((k) => k in result.template),
      [],
    );
  });

  it('refuses output names that are not param-like names, and repeated ones', () => {
    assert.equal(
      problemAt(`${MINIMAL}outputs: [rows, Model]\n`, 'outputs.1').message,
      'Output name "Model" must be lowercase letters, digits and _, starting with a letter.',
    );
    assert.equal(
      problemAt(`${MINIMAL}outputs: [rows, rows]\n`, 'outputs.1').message,
      'Output rows is listed twice; list each output once.',
    );
    assert.match(problemAt(`${MINIMAL}outputs: rows\n`, 'outputs').message, /must be a list/);
  });

  it('refuses a clone URL git would misread, without showing its credentials', () => {
    const { message } = problemAt(`${MINIMAL}code: { git: 'ftp://bob:hunter2@host/x.git' }\n`, 'code.git');
    assert.equal(
      message,
      '"ftp://***@host/x.git" is not a git URL: it uses ftp://; use one of https://, http://, ssh://, git://, file://.',
    );
    assert.match(problemAt(`${MINIMAL}code: { git: '--upload-pack=x' }\n`, 'code.git').message, /option/);
  });

  it('refuses a ref that is not a git ref name', () => {
    assert.equal(
      problemAt(`${MINIMAL}code: { git: 'https://h/x.git', ref: 'a..b' }\n`, 'code.ref').message,
      '"a..b" is not a git branch, tag or commit: it contains "..".',
    );
  });

  it('is strict about their keys and values', () => {
    assert.match(
      problemAt(`${MINIMAL}code: { url: x }\n`, 'code.url').message,
      /"url" is not a known key here; allowed keys are git, ref\./,
    );
    assert.match(
      problemAt(`${MINIMAL}objective: { metric: loss, goal: up }\n`, 'objective.goal').message,
      /goal must be one of min, max\./,
    );
    assert.match(
      problemAt(`${MINIMAL}objective: { metric: loss, goal: min, x: 1 }\n`, 'objective.x').message,
      /allowed keys are metric, goal\./,
    );
  });
});
