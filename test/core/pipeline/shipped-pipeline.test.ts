import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadTemplates } from '../../../src/adapters/templates/load-templates.ts';
import { checkPipelineLaunch } from '../../../src/core/pipeline/check-launch.ts';
import {
  applyDecision,
  decidePipeline,
  type StepLaunch,
} from '../../../src/core/pipeline/decide-pipeline.ts';
import { isPipelineFile } from '../../../src/core/pipeline/is-pipeline.ts';
import { parsePipeline } from '../../../src/core/pipeline/parse-pipeline.ts';
import { planPipeline } from '../../../src/core/pipeline/plan-pipeline.ts';
import type { StepState } from '../../../src/core/pipeline/step-state.ts';
import { applyLogLines } from '../../../src/core/progress/parse-progress.ts';
import { runOutputs } from '../../../src/core/run/run-outputs.ts';
import { buildRunSpec } from '../../../src/core/template/build-run-spec.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';
import { makeRun } from '../../support/make-run.ts';

const MANIFESTS = new URL('../../../manifests', import.meta.url).pathname;
const PIPELINE_FILE = join(MANIFESTS, 'demo-pipeline.yaml');

/**
 * The shipped example pipeline, parsed against the shipped templates and run step by step with
 * the pure executor, each step's script run the way the process runtime runs it (node, no
 * shell, in the template folder) with its own TRAINYARD_ARTIFACTS folder and the folders of the
 * steps it needs linked under TRAINYARD_INPUTS. This is what the integration will do, in small.
 */
describe('the shipped demo pipeline', async () => {
  const catalog = await loadTemplates(MANIFESTS);
  const data = parse(readFileSync(PIPELINE_FILE, 'utf8'));
  const parsed = parsePipeline('demo-pipeline', PIPELINE_FILE, data, catalog.templates);
  const work = mkdtempSync(join(tmpdir(), 'trainyard-pipeline-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('is a pipeline file that parses against the shipped templates', () => {
    assert.equal(isPipelineFile(data), true);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      parsed.pipeline.steps.map((s) => [s.name, s.template]),
      [
        ['prep', 'prep'],
        ['train', 'demo'],
        ['eval', 'evaluate'],
      ],
    );
  });

  it('renders a plan with placeholders for outputs not known yet', () => {
    assert.ok(parsed.ok);
    const plan = planPipeline(parsed.pipeline, { rows: 2000, epochs: 20, epoch_seconds: 0.1 });
    assert.deepEqual(
      plan.instances.map((i) => i.key),
      ['prep', 'train#1', 'train#2', 'train#3', 'eval'],
    );
    assert.equal(plan.instances[4].params.weights, '<output weights of the best run of step train>');
    assert.ok(plan.note);
  });

  it('runs end to end: prep feeds train, the best training run feeds eval', () => {
    assert.ok(parsed.ok);
    const pipeline = parsed.pipeline;
    const launch = checkPipelineLaunch(
      pipeline,
      { rows: '500', epochs: '40', epoch_seconds: '0' },
      catalog.templates,
    );
    assert.ok(launch.ok, JSON.stringify(launch));

    let steps: Record<string, StepState> = {};
    const stdout = new Map<string, string>();
    const launches = new Map<string, StepLaunch>();
    let next = 1;
    for (let round = 0; round < 10; round++) {
      const decision = decidePipeline(pipeline, { params: launch.params, steps });
      if (decision.end) {
        assert.deepEqual(decision.end, { state: 'succeeded' });
        break;
      }
      assert.ok(decision.start.length > 0, `stuck: ${JSON.stringify(steps)}`);
      const runIds = Object.fromEntries(decision.start.map((s) => [s.key, `r-${next++}`]));
      steps = applyDecision(steps, decision, runIds);
      for (const start of decision.start) {
        launches.set(start.key, start);
        const { state, out } = runStep(start, runIds[start.key]);
        steps[start.key] = state;
        stdout.set(start.key, out);
      }
    }

    const outputs = (key: string) => {
      const s = steps[key];
      assert.equal(s?.state, 'succeeded', `${key}: ${JSON.stringify(s)}\n${stdout.get(key)}`);
      return (s as { outputs: Record<string, string> }).outputs;
    };
    assert.deepEqual(outputs('prep'), {
      positives: '0.5675',
      rows: '400',
      test_rows: '100',
      file: 'samples.json',
    });
    for (const key of ['train#1', 'train#2', 'train#3']) {
      assert.match(stdout.get(key) ?? '', /^training on 400 samples from .*prep\/samples\.json$/m);
      assert.match(outputs(key).weights, /^-?\d+\.\d{6},-?\d+\.\d{6},-?\d+\.\d{6}$/);
    }
    assert.deepEqual(
      ['train#1', 'train#2', 'train#3'].map((k) => launches.get(k)?.params.lr),
      ['0.05', '0.2', '0.8'],
    );

    // eval got the weights of the training run with the lowest loss, and every loss.
    const losses = ['train#1', 'train#2', 'train#3'].map((k) => Number(outputs(k).loss));
    const best = `train#${losses.indexOf(Math.min(...losses)) + 1}`;
    const evalLaunch = launches.get('eval');
    assert.equal(evalLaunch?.params.weights, outputs(best).weights);
    assert.deepEqual(JSON.parse(evalLaunch?.params.candidates ?? ''), losses.map(String));
    assert.equal(evalLaunch?.params.expected_rows, '100');
    assert.deepEqual(evalLaunch?.consumed.length, 4);
    assert.match(stdout.get('eval') ?? '', /^evaluating on 100 samples from .*prep\/test\.json$/m);
    assert.ok(Number(outputs('eval').test_acc) > 0.8, stdout.get('eval'));
  });

  /** Runs one step instance's script as the process runtime would; returns its end state. */
  function runStep(start: StepLaunch, runId: string): { state: StepState; out: string } {
    const template = catalog.templates.get(start.template);
    assert.ok(template);
    const params = resolveParams(template, start.params);
    assert.ok(params.ok, JSON.stringify(params));
    const built = buildRunSpec(template, params.params);
    assert.ok(built.ok, JSON.stringify(built));
    const artifacts = join(work, 'artifacts', runId);
    const inputs = join(work, 'inputs', runId);
    mkdirSync(artifacts, { recursive: true });
    mkdirSync(inputs, { recursive: true });
    for (const input of start.inputs) {
      if (input.runs.length === 1 && input.runs[0].index === undefined) {
        symlinkSync(join(work, 'artifacts', input.runs[0].runId), join(inputs, input.step));
        continue;
      }
      mkdirSync(join(inputs, input.step));
      for (const r of input.runs)
        symlinkSync(join(work, 'artifacts', r.runId), join(inputs, input.step, String(r.index)));
    }
    const [program, ...rest] = built.spec.command;
    assert.equal(program, 'node');
    const result = spawnSync(process.execPath, [...rest, ...built.spec.args], {
      cwd: built.spec.workdir,
      env: {
        ...built.spec.env,
        PATH: process.env.PATH,
        TRAINYARD_ARTIFACTS: artifacts,
        TRAINYARD_INPUTS: inputs,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const run =
      applyLogLines(makeRun({ id: runId }), result.stdout.split('\n'), new Date()) ?? makeRun({ id: runId });
    const state: StepState =
      result.status === 0
        ? { state: 'succeeded', runId, outputs: runOutputs(run) }
        : { state: 'failed', runId, reason: `exit code ${result.status}: ${result.stderr}` };
    return { state, out: result.stdout };
  }
});

describe('the shipped pipeline scripts on their own', () => {
  const node = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, args, {
      cwd: join(MANIFESTS, dir),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('prep says its data is not kept without TRAINYARD_ARTIFACTS, and still sets its outputs', () => {
    const result = node('prep', ['prep.mjs', '--rows', '50']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^TRAINYARD_ARTIFACTS is not set, so the samples are not kept$/m);
    assert.match(result.stdout, /^::output rows=40$/m);
    assert.match(result.stdout, /^::output test_rows=10$/m);
  });

  it('prep refuses bad arguments with its usage', () => {
    const result = node('prep', ['prep.mjs', '--rows', '3']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^usage: node prep\.mjs/);
  });

  it('demo trains on a data file given with --data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-prep-'));
    try {
      assert.equal(node('prep', ['prep.mjs', '--rows', '200'], { TRAINYARD_ARTIFACTS: dir }).status, 0);
      const result = node('demo', [
        'train.mjs',
        '--epochs',
        '3',
        '--epoch-seconds',
        '0',
        '--data',
        join(dir, 'samples.json'),
      ]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^training on 160 samples from /m);
      assert.equal(result.stdout.split('\n').filter((l) => l.startsWith('epoch ')).length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evaluate scores the untrained model on generated data without inputs, and refuses bad weights', () => {
    const baseline = node('evaluate', ['evaluate.mjs']);
    assert.equal(baseline.status, 0, baseline.stderr);
    assert.match(baseline.stdout, /^evaluating on 1000 generated samples$/m);
    assert.match(baseline.stdout, /^::output test_loss=0\.6931$/m);
    const bad = node('evaluate', ['evaluate.mjs', '--weights', '1,2']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^usage: node evaluate\.mjs/);
  });

  it('evaluate fails when the test data is not the size it was told', () => {
    const result = node('evaluate', ['evaluate.mjs', '--expected-rows', '5']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /expected 5 test samples but found 1000/);
  });
});
