import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isPipelineFile } from '../../../src/core/pipeline/is-pipeline.ts';
import { checkKnownStepValues, parsePipeline } from '../../../src/core/pipeline/parse-pipeline.ts';
import { formatProblem } from '../../../src/core/template/format-problem.ts';
import type { TemplateProblem } from '../../../src/core/template/template.ts';
import { TEMPLATES } from './templates.ts';

const FILE = '/t/flow.yaml';

function parseYaml(yaml: string) {
  return parsePipeline('flow', FILE, parse(yaml), TEMPLATES);
}

function problemsOf(yaml: string): TemplateProblem[] {
  const result = parseYaml(yaml);
  assert.equal(result.ok, false, 'expected the pipeline to be refused');
  return result.ok ? [] : result.problems;
}

/** The one message at `field`; fails when there is none, or when it is no sentence. */
function messageAt(yaml: string, field: string): string {
  const problems = problemsOf(yaml);
  const found = problems.filter((p) => p.field === field);
  assert.equal(found.length, 1, `expected one problem at ${field}; got ${JSON.stringify(problems, null, 1)}`);
  assert.equal(found[0].file, FILE);
  assert.match(found[0].message, /^[A-Za-z"{].*[.?]$/s, 'a sentence');
  return found[0].message;
}

const PREP = `  prep:
    template: prep
`;

describe('parsePipeline', () => {
  it('reads a pipeline: params, steps in topological order, objectives from step or template', () => {
    const result = parseYaml(`description: prepare, train, evaluate
params:
  rows: { type: int, default: 500, min: 1 }
steps:
  eval:
    template: eval
    needs: [train, train]
    params: { weights: '{{steps.train.best.outputs.w}}', candidates: '{{steps.train.all.outputs.loss}}' }
  train:
    template: train
    needs: [prep]
    params: { data: '{{steps.prep.outputs.path}}', epochs: 3 }
    matrix: { lr: [0.1, 0.5], optimizer: [sgd, adam] }
    parallel: 2
  prep:
    template: prep
    params: { rows: '{{rows}}' }
`);
    assert.ok(result.ok, JSON.stringify(result));
    const { pipeline } = result;
    assert.equal(pipeline.name, 'flow');
    assert.equal(pipeline.description, 'prepare, train, evaluate');
    assert.deepEqual(pipeline.params, [{ name: 'rows', type: 'int', required: false, default: 500, min: 1 }]);
    assert.deepEqual(
      pipeline.steps.map((s) => s.name),
      ['prep', 'train', 'eval'],
    );
    const train = pipeline.steps[1];
    assert.deepEqual(train, {
      name: 'train',
      template: 'train',
      params: { data: '{{steps.prep.outputs.path}}', epochs: 3 },
      needs: ['prep'],
      matrix: { lr: [0.1, 0.5], optimizer: ['sgd', 'adam'] },
      parallel: 2,
      objective: { metric: 'loss', goal: 'min' },
    });
    assert.deepEqual(pipeline.steps[2].needs, ['train']);
    assert.equal(pipeline.steps[0].objective, undefined);
  });

  it('lets a step read outputs of steps it needs further up, not only directly', () => {
    const result = parseYaml(`steps:
${PREP}  train:
    template: train
    needs: [prep]
  eval:
    template: eval
    needs: [train]
    params: { weights: '{{steps.prep.outputs.path}}' }
`);
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('prefers the step objective over the template one', () => {
    const result = parseYaml(`steps:
  fit:
    template: train
    matrix: { lr: [0.1, 0.2] }
    objective: { metric: acc, goal: max }
`);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.pipeline.steps[0].objective, { metric: 'acc', goal: 'max' });
  });

  it('renders its problems as file: steps.<step>.<field>: message', () => {
    const [problem] = problemsOf(`steps:
  train: { template: train, params: { lr: fast } }
`);
    assert.equal(
      formatProblem(problem),
      'flow.yaml: steps.train.params.lr: lr must be a number greater than 0, not "fast".',
    );
  });

  describe('refuses', () => {
    it('a file that is not a map', () => {
      const result = parsePipeline('flow', FILE, ['a'], TEMPLATES);
      assert.deepEqual(result, {
        ok: false,
        problems: [{ file: FILE, message: 'A pipeline must be a YAML map with steps.' }],
      });
    });

    it('unknown keys, and template keys at the top, saying where they belong', () => {
      assert.equal(
        messageAt(`stpes: {}\nsteps:\n${PREP}`, 'stpes'),
        '"stpes" is not a known key here; allowed keys are description, params, steps.',
      );
      assert.equal(
        messageAt(`image: busybox\nsteps:\n${PREP}`, 'image'),
        '"image" does not belong in a pipeline: its steps name templates, and those have the image; remove it.',
      );
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, need: [x] }\n', 'steps.prep.need'),
        '"need" is not a known key here; allowed keys are template, params, needs, matrix, parallel, objective.',
      );
      assert.equal(
        messageAt(
          'steps:\n  prep: { template: prep, objective: { metric: x, goal: min, y: 1 } }\n',
          'steps.prep.objective.y',
        ),
        '"y" is not a known key here; allowed keys are metric, goal.',
      );
    });

    it('values of the wrong shape', () => {
      assert.equal(
        messageAt('steps:\n  prep: { needs: [] }\n', 'steps.prep.template'),
        'template is required.',
      );
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, needs: x }\n', 'steps.prep.needs'),
        'needs must be a list.',
      );
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, params: { rows: [1] } }\n', 'steps.prep.params.rows'),
        'rows must be text, a number or true/false.',
      );
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, matrix: { rows: [] } }\n', 'steps.prep.matrix.rows'),
        'rows needs at least 1 item.',
      );
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, parallel: 0 }\n', 'steps.prep.parallel'),
        'parallel must be at least 1.',
      );
      assert.equal(
        messageAt(
          'steps:\n  prep: { template: prep, objective: { metric: x, goal: up } }\n',
          'steps.prep.objective.goal',
        ),
        'goal must be one of min, max.',
      );
      assert.equal(messageAt('steps: [prep]\n', 'steps'), 'steps must be a map.');
    });

    it('a pipeline without steps', () => {
      assert.equal(messageAt('steps: {}\n', 'steps'), 'A pipeline needs at least one step under steps.');
    });

    it('more steps than allowed', () => {
      const steps = Array.from({ length: 101 }, (_, i) => `  s${i}: { template: prep }\n`).join('');
      assert.equal(
        messageAt(`steps:\n${steps}`, 'steps'),
        'A pipeline has at most 100 steps; this one has 101.',
      );
    });

    it('more runs in all than allowed', () => {
      const values = `[${Array.from({ length: 250 }, (_, i) => i + 1).join(', ')}]`;
      const steps = Array.from(
        { length: 5 },
        (_, i) => `  s${i}: { template: prep, matrix: { rows: ${values} } }\n`,
      );
      assert.equal(
        messageAt(`steps:\n${steps.join('')}`, 'steps'),
        'A pipeline starts at most 1000 runs in all; this one would start 1250.',
      );
    });

    it('a bad step name', () => {
      assert.equal(
        messageAt('steps:\n  Prep.1: { template: prep }\n', 'steps.Prep.1'),
        'Step name "Prep.1" must be at most 40 lowercase letters, digits, _ and -, starting with a letter.',
      );
    });

    it('an unknown template, with a did-you-mean', () => {
      assert.equal(
        messageAt('steps:\n  prep: { template: perp }\n', 'steps.prep.template'),
        'There is no template "perp"; templates are eval, fit, prep, train. Did you mean "prep"?',
      );
    });

    it('a step that runs the pipeline itself', () => {
      assert.equal(
        messageAt('steps:\n  again: { template: flow }\n', 'steps.again.template'),
        'A pipeline cannot run itself as a step; name an ordinary template.',
      );
    });

    it('an unknown step in needs, with a did-you-mean', () => {
      assert.equal(
        messageAt(`steps:\n${PREP}  train: { template: train, needs: [pre] }\n`, 'steps.train.needs'),
        'There is no step "pre" in this pipeline; its steps are prep, train. Did you mean "prep"?',
      );
    });

    it('a step that needs itself', () => {
      assert.equal(
        messageAt('steps:\n  prep: { template: prep, needs: [prep] }\n', 'steps.prep.needs'),
        'A step cannot need itself; remove prep from needs.',
      );
    });

    it('a cycle, naming the steps on it', () => {
      assert.equal(
        messageAt(
          `steps:
  a: { template: prep, needs: [c] }
  b: { template: prep, needs: [a] }
  c: { template: prep, needs: [b] }
  d: { template: prep, needs: [a] }
`,
          'steps.a.needs',
        ),
        'Steps a → c → b → a need each other in a circle, so none of them could start; remove one of these needs.',
      );
    });

    it('a param the step template does not have, with a did-you-mean', () => {
      assert.equal(
        messageAt('steps:\n  train: { template: train, params: { lrr: 0.1 } }\n', 'steps.train.params.lrr'),
        'Template train has no param "lrr"; its params are lr, epochs, data, optimizer. Did you mean "lr"?',
      );
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, matrix: { momentum: [1] } }\n',
          'steps.train.matrix.momentum',
        ),
        'Template train has no param "momentum"; its params are lr, epochs, data, optimizer.',
      );
    });

    it('a param set in both params and matrix', () => {
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, params: { lr: 0.1 }, matrix: { lr: [0.2] } }\n',
          'steps.train.params.lr',
        ),
        'lr is set in both params and matrix; keep one of them.',
      );
    });

    it('a required param of the step template that is not given', () => {
      assert.equal(
        messageAt('steps:\n  eval: { template: eval }\n', 'steps.eval.params'),
        'Template eval needs weights; give it under params (or matrix), e.g. weights: <value>.',
      );
    });

    it('literal values that fail the step template types or bounds', () => {
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, params: { epochs: 500 } }\n',
          'steps.train.params.epochs',
        ),
        'epochs must be a whole number from 1 to 100, not "500".',
      );
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, params: { optimizer: adma } }\n',
          'steps.train.params.optimizer',
        ),
        'optimizer must be one of sgd, adam, not "adma". Did you mean "adam"?',
      );
    });

    it('matrix values that fail them, or that use references', () => {
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, matrix: { lr: [0.1, -1] } }\n',
          'steps.train.matrix.lr',
        ),
        'lr must be a number greater than 0, not "-1".',
      );
      assert.equal(
        messageAt(
          'params: { x: { type: float, default: 1 } }\nsteps:\n  train: { template: train, matrix: { lr: ["{{x}}"] } }\n',
          'steps.train.matrix.lr',
        ),
        'Matrix values must be written out; they cannot use {{…}}.',
      );
    });

    it('a matrix that makes too many runs', () => {
      const lr = `[${Array.from({ length: 20 }, (_, i) => (i + 1) / 10).join(', ')}]`;
      assert.equal(
        messageAt(
          `steps:\n  train: { template: train, matrix: { lr: ${lr}, epochs: [1,2,3,4,5,6,7,8,9,10,11,12,13,14] } }\n`,
          'steps.train.matrix',
        ),
        'A matrix makes at most 256 runs; this one would make 280.',
      );
    });

    it('parallel or objective on a step without matrix', () => {
      assert.equal(
        messageAt('steps:\n  train: { template: train, parallel: 2 }\n', 'steps.train.parallel'),
        'parallel caps the runs of a matrix; this step has no matrix.',
      );
      assert.equal(
        messageAt(
          'steps:\n  train: { template: train, objective: { metric: loss, goal: min } }\n',
          'steps.train.objective',
        ),
        'objective picks the best run of a matrix; this step has no matrix.',
      );
    });

    it('an objective metric the template does not list among its outputs', () => {
      assert.equal(
        messageAt(
          'steps:\n  prep: { template: prep, matrix: { seed: [1, 2] }, objective: { metric: row, goal: max } }\n',
          'steps.prep.objective.metric',
        ),
        'The objective metric row is not an output of template prep; its outputs are rows, path. Did you mean "rows"?',
      );
    });

    it('a malformed reference', () => {
      assert.equal(
        messageAt(
          `steps:\n${PREP}  train: { template: train, needs: [prep], params: { data: '{{steps.prep.rows}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.prep.rows}} is not a reference; write {{<param>}} for a param of the pipeline or {{steps.<step>.outputs.<name>}} for an output of an earlier step.',
      );
    });

    it('a pipeline param that does not exist, with a did-you-mean', () => {
      assert.equal(
        messageAt(
          `params: { rows: { type: int, default: 5 } }\nsteps:\n  prep: { template: prep, params: { rows: '{{row}}' } }\n`,
          'steps.prep.params.rows',
        ),
        '{{row}} is not a param of this pipeline; its params are rows. Did you mean "rows"?',
      );
      assert.equal(
        messageAt(
          `steps:\n  prep: { template: prep, params: { rows: '{{rows}}' } }\n`,
          'steps.prep.params.rows',
        ),
        '{{rows}} is not a param of this pipeline; it declares no params.',
      );
    });

    it('a reference to a step that does not exist', () => {
      assert.equal(
        messageAt(
          `steps:\n${PREP}  train: { template: train, needs: [prep], params: { data: '{{steps.prap.outputs.path}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.prap.outputs.path}} reads step prap, which is not in this pipeline; its steps are prep, train. Did you mean "prep"?',
      );
    });

    it('a reference to the step itself', () => {
      assert.equal(
        messageAt(
          `steps:\n  train: { template: train, params: { data: '{{steps.train.outputs.loss}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.train.outputs.loss}}: a step cannot read its own outputs.',
      );
    });

    it('a reference to a step that is not among its needs, directly or further up', () => {
      assert.equal(
        messageAt(
          `steps:\n${PREP}  train: { template: train, params: { data: '{{steps.prep.outputs.path}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.prep.outputs.path}} reads step prep, which this step does not need; add prep to needs.',
      );
    });

    it('a single output read from a fanned-out step, saying what to read instead', () => {
      assert.equal(
        messageAt(
          `steps:
  train: { template: train, matrix: { lr: [0.1, 0.2] } }
  eval: { template: eval, needs: [train], params: { weights: '{{steps.train.outputs.w}}' } }
`,
          'steps.eval.params.weights',
        ),
        'Step train runs once per matrix combination, so {{steps.train.outputs.w}} has no single value; read {{steps.train.best.outputs.w}} (by its objective) or {{steps.train.all.outputs.w}} (a JSON list).',
      );
    });

    it('best or all of a step without matrix, saying what to read instead', () => {
      for (const pick of ['best', 'all']) {
        assert.equal(
          messageAt(
            `steps:\n  train: { template: train }\n  eval: { template: eval, needs: [train], params: { weights: '{{steps.train.${pick}.outputs.w}}' } }\n`,
            'steps.eval.params.weights',
          ),
          `Step train runs once (it has no matrix), so there is no ${pick} of its runs; read {{steps.train.outputs.w}}.`,
        );
      }
    });

    it('best without an objective on the step or its template', () => {
      assert.equal(
        messageAt(
          `steps:\n  fit: { template: fit, matrix: { lr: [1, 2] } }\n  eval: { template: eval, needs: [fit], params: { weights: '{{steps.fit.best.outputs.w}}' } }\n`,
          'steps.eval.params.weights',
        ),
        '{{steps.fit.best.outputs.w}} needs an objective to pick the best run of step fit; give the step (or template fit) an objective: { metric, goal }.',
      );
    });

    it('an output the producing template does not list, when it lists its outputs', () => {
      assert.equal(
        messageAt(
          `steps:\n${PREP}  train: { template: train, needs: [prep], params: { data: '{{steps.prep.outputs.paths}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.prep.outputs.paths}}: template prep of step prep does not list output paths; its outputs are rows, path. Did you mean "path"?',
      );
      assert.equal(
        messageAt(
          `steps:\n${PREP}  train: { template: train, needs: [prep], params: { data: '{{steps.prep.outputs.Path}}' } }\n`,
          'steps.train.params.data',
        ),
        '{{steps.prep.outputs.Path}} names output "Path", but output names are lowercase letters, digits and _, starting with a letter.',
      );
    });

    it('bad pipeline params, as a template would', () => {
      assert.equal(
        messageAt(`params: { rows: { type: int } }\nsteps:\n${PREP}`, 'params.rows'),
        'Give the param a default, or set required: true.',
      );
    });

    it('a pipeline default that a step template refuses', () => {
      assert.equal(
        messageAt(
          `params: { e: { type: int, default: 500 } }\nsteps:\n  train: { template: train, params: { epochs: '{{e}}' } }\n`,
          'steps.train.params.epochs',
        ),
        'With the pipeline\'s defaults, epochs must be a whole number from 1 to 100, not "500".',
      );
    });

    it('every problem at once', () => {
      const problems = problemsOf(`steps:
  a: { template: nope, needs: [zz] }
  b: { template: train, params: { epochs: 0, x: 1 } }
`);
      assert.deepEqual(
        problems.map((p) => p.field),
        ['steps.a.template', 'steps.a.needs', 'steps.b.params.epochs', 'steps.b.params.x'],
      );
    });
  });
});

describe('checkKnownStepValues', () => {
  it('checks values made of launch params, and leaves values from outputs for later', () => {
    const result = parseYaml(`params:
  e: { type: int, required: true }
steps:
${PREP}  train: { template: train, needs: [prep], params: { epochs: '{{e}}', data: '{{steps.prep.outputs.path}}' } }
`);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(checkKnownStepValues(result.pipeline, TEMPLATES, { e: 3 }), []);
    assert.deepEqual(checkKnownStepValues(result.pipeline, TEMPLATES, { e: 0 }), [
      {
        step: 'train',
        field: 'steps.train.params.epochs',
        message: 'epochs must be a whole number from 1 to 100, not "0".',
      },
    ]);
  });
});

describe('isPipelineFile', () => {
  it('is true for a map with steps, whatever their value', () => {
    assert.equal(isPipelineFile({ steps: {} }), true);
    assert.equal(isPipelineFile({ steps: null, image: 'x' }), true);
  });

  it('is false for templates and anything else', () => {
    for (const data of [{ image: 'x', command: ['y'] }, null, undefined, 'steps', ['steps'], { step: {} }]) {
      assert.equal(isPipelineFile(data), false, JSON.stringify(data));
    }
    assert.equal(isPipelineFile(Object.create({ steps: {} })), false);
  });
});
