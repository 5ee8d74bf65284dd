import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { run as check, checkTemplates } from '../../src/cli/commands/check.ts';
import { run as render } from '../../src/cli/commands/render.ts';
import { run as templates } from '../../src/cli/commands/templates.ts';
import type { CliIo } from '../../src/cli/io.ts';

const SHIPPED = new URL('../../manifests', import.meta.url).pathname;

function capture(env: NodeJS.ProcessEnv = {}, cwd = '/') {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (s) => {
      out.stdout += s;
    },
    stderr: (s) => {
      out.stderr += s;
    },
    env,
    cwd,
  };
  return { io, out };
}

describe('template CLI commands', () => {
  let broken: string;
  before(async () => {
    broken = await mkdtemp(join(tmpdir(), 'trainyard-cli-'));
    await writeFile(
      join(broken, 'ok.yaml'),
      'params: { n: { type: int, default: 1, min: 1 } }\nimage: busybox\ncommand: [x]\n',
    );
    await writeFile(
      join(broken, 'bad.yaml'),
      'params: { n: { type: int, default: 0, min: 1 } }\nimage: busybox\ncommand: [x, "{{m}}"]\n',
    );
  });
  after(() => rm(broken, { recursive: true, force: true }));

  describe('templates', () => {
    it('lists each template with its params: type, default, allowed values and help', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await templates([], io), 0);
      assert.match(out.stdout, /^demo {2}Tiny logistic regression/m);
      assert.match(
        out.stdout,
        /^ {2}epochs +int +default 5 +must be a whole number from 1 to 1000 +passes over/m,
      );
      assert.match(out.stdout, /^ {2}lr +float +default 0\.1 +must be a number greater than 0/m);
      assert.match(out.stdout, /^resnet /m);
      assert.match(out.stdout, /^ {2}gpus +int +default 1 +must be a whole number from 0 to 8/m);
      assert.match(out.stdout, /^demo-pipeline {2}\(pipeline\) {2}Prepares data/m);
      assert.match(out.stdout, /^ {2}step train: demo {2}after prep {2}× lr$/m);
      assert.equal(out.stderr, '');
    });

    it('shows broken templates with their problems, and the working ones', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: broken }, broken);
      assert.equal(await templates([], io), 0);
      assert.match(out.stdout, /^ok$/m);
      assert.match(out.stdout, /^bad {2}\(broken; fix it and run trainyard check\)$/m);
      assert.match(
        out.stdout,
        /^ {2}bad\.yaml: params\.n\.default: default must be a whole number of at least 1, not 0\.$/m,
      );
    });

    it('fails when the folder is missing', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: join(broken, 'missing') });
      assert.equal(await templates([], io), 1);
      assert.match(out.stderr, /cannot be read/);
    });
  });

  describe('check', () => {
    it('passes the shipped templates with a summary', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await check([], io), 0);
      assert.match(out.stdout, /^5 templates OK in .*: demo, evaluate, prep, resnet, sleep\.$/m);
      assert.match(out.stdout, /^1 pipeline OK: demo-pipeline\.$/m);
    });

    it('exits 1 listing every problem as file: field: message', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: broken }, broken);
      assert.equal(await check([], io), 1);
      assert.deepEqual(out.stderr.trim().split('\n'), [
        'bad.yaml: params.n.default: default must be a whole number of at least 1, not 0.',
        'bad.yaml: command.1: {{m}} is not a declared param (declared params: n).',
        '2 problems found.',
      ]);
    });

    it('checkTemplates reports a folder without templates', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'trainyard-empty-'));
      try {
        const problems = await checkTemplates(empty);
        assert.equal(problems.length, 1);
        assert.match(problems[0].message, /no templates/);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });

  describe('render', () => {
    it('prints the Job a launch would create, in the namespace of TRAINYARD_NAMESPACE', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED, TRAINYARD_NAMESPACE: 'ml' });
      assert.equal(await render(['/train demo epochs=3 lr=1e-3'], io), 0);
      assert.match(out.stdout, /^# Preview: run number 0 and suffix xxxxx/);
      const [job] = parseAllDocuments(out.stdout).map((d) => d.toJS());
      assert.equal(job.kind, 'Job');
      assert.equal(job.metadata.name, 'demo-0-xxxxx');
      assert.equal(job.metadata.namespace, 'ml');
      assert.equal(
        job.metadata.annotations['trainyard.io/params'],
        '{"epochs":3,"lr":0.001,"epoch_seconds":0.4}',
      );
      assert.deepEqual(job.spec.template.spec.containers[0].args, [
        '--epochs',
        '3',
        '--lr',
        '0.001',
        '--epoch-seconds',
        '0.4',
      ]);
      assert.equal(out.stderr, '');
    });

    it('uses the default namespace and renders the template of a schedule command with its label', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render(['schedule', '"0 3 * * *"', 'resnet', 'gpus=2', '--name', 'nightly'], io), 0);
      const [job] = parseAllDocuments(out.stdout).map((d) => d.toJS());
      assert.equal(job.metadata.namespace, 'default');
      assert.equal(job.metadata.labels['trainyard.io/schedule'], 'nightly');
      assert.equal(job.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '2');
    });

    it('names an unnamed schedule as the scheduler would, and applies launch options', async () => {
      const scheduled = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render(['schedule "0 3 * * *" demo'], scheduled.io), 0);
      assert.equal(
        parseAllDocuments(scheduled.out.stdout)[0].toJS().metadata.labels['trainyard.io/schedule'],
        'demo-1',
      );
      const launched = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render(['resnet --gpu 4 --memory 32Gi'], launched.io), 0);
      const limits = parseAllDocuments(launched.out.stdout)[0].toJS().spec.template.spec.containers[0]
        .resources.limits;
      assert.deepEqual(limits, { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': '4' });
    });

    it('prints the first trial’s Job of a sweep and says how many trials it would run', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render(['sweep demo lr=[0.01,0.1] epochs=[2,4]'], io), 0);
      assert.match(
        out.stdout,
        /^# Sweep: 4 trials, every combination of lr=\[0\.01,0\.1\] epochs=\[2,4\], at most 4 at a time, optimising acc \(max\)\.$/m,
      );
      assert.match(out.stdout, /^# This is trial 1 \(lr=0\.01 epochs=2\);/m);
      const [job] = parseAllDocuments(out.stdout).map((d) => d.toJS());
      assert.equal(
        job.metadata.annotations['trainyard.io/params'],
        '{"epochs":2,"lr":0.01,"epoch_seconds":0.4}',
      );
      for (const meta of [job.metadata, job.spec.template.metadata]) {
        assert.equal(meta.labels['trainyard.io/sweep'], 's-0000000000');
        assert.equal(meta.annotations['trainyard.io/trial'], '1');
      }
      const random = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(
        await render(['sweep demo lr=loguniform(1e-3,1) --trials 30 --parallel 5 --gpu 1'], random.io),
        0,
      );
      assert.match(
        random.out.stdout,
        /^# Sweep: 30 trials, tpe search over lr=loguniform\(0\.001,1\), at most 5 at a time/m,
      );
      assert.match(random.out.stdout, /^# Without --seed each sweep draws its own values/m);
      const [trial] = parseAllDocuments(random.out.stdout).map((d) => d.toJS());
      assert.equal(trial.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
    });

    it('previews a sweep trial’s Job with the artifacts claim and git image a launch uses, as a single run', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'trainyard-render-'));
      try {
        await writeFile(
          join(dir, 'train.yaml'),
          'params: { lr: { type: float, default: 0.1 } }\nimage: busybox\ncommand: [python, train.py, "{{lr}}"]\ncode: { git: https://git.example.test/acme/train.git, ref: main }\n',
        );
        const env = {
          TRAINYARD_TEMPLATES: dir,
          TRAINYARD_ARTIFACTS_CLAIM: 'trainyard-artifacts',
          TRAINYARD_GIT_IMAGE: 'registry.test/git:2',
        };
        const podOf = async (text: string) => {
          const { io, out } = capture(env);
          assert.equal(await render([text], io), 0, out.stderr);
          return parseAllDocuments(out.stdout)[0].toJS().spec.template.spec;
        };
        const single = await podOf('train lr=0.01');
        const trial = await podOf('sweep train lr=[0.01,0.1] --metric loss --goal min');
        assert.equal(trial.initContainers[0].image, 'registry.test/git:2');
        assert.ok(
          trial.volumes.some(
            (v: { persistentVolumeClaim?: { claimName: string } }) =>
              v.persistentVolumeClaim?.claimName === 'trainyard-artifacts',
          ),
          JSON.stringify(trial.volumes),
        );
        assert.deepEqual(trial, single, 'the trial’s pod is the one a launch of its params would get');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('keeps a shell-looking string value literal', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'trainyard-render-'));
      try {
        await writeFile(
          join(dir, 'echo.yaml'),
          "params: { msg: { type: string, default: hi } }\nimage: busybox\ncommand: [echo, '{{msg}}']\n",
        );
        const { io, out } = capture({ TRAINYARD_TEMPLATES: dir });
        assert.equal(await render(['echo msg="$(rm -rf /); reboot"'], io), 0);
        const [job] = parseAllDocuments(out.stdout).map((d) => d.toJS());
        assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', '$(rm -rf /); reboot']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    for (const [text, expected] of [
      ['demo epochs=abc', 'epochs must be a whole number from 1 to 1000, not "abc".'],
      [
        'dmeo',
        'Unknown template or command "dmeo". Did you mean "demo"? Templates: demo, demo-pipeline, evaluate, prep, resnet, sleep.',
      ],
      [
        'DEMO',
        'Unknown template or command "DEMO". Did you mean "demo"? Templates: demo, demo-pipeline, evaluate, prep, resnet, sleep.',
      ],
      [
        'foo 99',
        'Unknown template or command "foo". Templates: demo, demo-pipeline, evaluate, prep, resnet, sleep.',
      ],
      ['sttaus 1', '"sttaus" is not a command; did you mean "/train status 1"?'],
      ['demo 30', '"30" is not a name=value param; write params as name=value, e.g. epochs=5.'],
      ['demo --gpu lots', '--gpu must be a whole number of GPUs from 0 to 64, not "lots".'],
      [
        'schedule "0 3 * * *" demo --name "bad name!"',
        '"bad name!" cannot name a schedule; use up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.',
      ],
      [
        'list',
        'render shows the Job of a launch, schedule or sweep command, e.g. "demo epochs=3", not "list".',
      ],
      [
        'sweep sleep seconds=[1,2]',
        'This sweep has no metric to optimise; add --metric <name> --goal min|max (e.g. --metric loss --goal min), or give the sleep template an objective.',
      ],
      ['sweep demo lr=uniform(1,0)', '"lr=uniform(1,0)" needs lo below hi, e.g. uniform(0.001,0.1).'],
    ]) {
      it(`refuses "${text}" with one sentence on stderr and exit 2`, async () => {
        const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
        assert.equal(await render([text], io), 2);
        assert.equal(out.stderr, `${expected}\n`);
        assert.equal(out.stdout, '');
      });
    }

    it('refuses text the parser cannot read, and no text at all', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render(['demo "unclosed'], io), 2);
      assert.equal(out.stderr.trim().split('\n').length, 1);
      const empty = capture({ TRAINYARD_TEMPLATES: SHIPPED });
      assert.equal(await render([], empty.io), 2);
      assert.match(empty.out.stderr, /trainyard render "demo epochs=3"/);
    });

    it('prints every step Job of a pipeline in order, later outputs as placeholders, and says so', async () => {
      const { io, out } = capture({
        TRAINYARD_TEMPLATES: SHIPPED,
        TRAINYARD_NAMESPACE: 'ml',
        TRAINYARD_ARTIFACTS_CLAIM: 'trainyard-artifacts',
      });
      assert.equal(await render(['demo-pipeline rows=50 epochs=2'], io), 0, out.stderr);
      assert.match(out.stdout, /^# Preview of pipeline demo-pipeline: 5 Jobs/m);
      assert.match(out.stdout, /^# Outputs of earlier steps are known only once those steps have run/m);
      const jobs = parseAllDocuments(out.stdout).map((d) => d.toJS());
      assert.deepEqual(
        jobs.map((j) => [
          j.metadata.name,
          j.metadata.labels['trainyard.io/step'],
          j.metadata.annotations['trainyard.io/step-index'],
        ]),
        [
          ['prep-1-xxxxx', 'prep', undefined],
          ['demo-2-xxxxx', 'train', '1'],
          ['demo-3-xxxxx', 'train', '2'],
          ['demo-4-xxxxx', 'train', '3'],
          ['evaluate-5-xxxxx', 'eval', undefined],
        ],
      );
      assert.deepEqual(jobs[0].spec.template.spec.containers[0].args, [
        '--rows',
        '50',
        '--seed',
        '7',
        '--test-fraction',
        '0.2',
      ]);
      const evaluate = jobs[4].spec.template.spec.containers[0];
      assert.deepEqual(evaluate.args, [
        '--weights',
        '<output weights of the best run of step train>',
        '--candidates',
        '<output loss of every run of step train, as a JSON list>',
        '--expected-rows',
        '<output test_rows of step prep>',
      ]);
      assert.deepEqual(
        evaluate.volumeMounts
          .filter((m: { readOnly?: boolean }) => m.readOnly)
          .map((m: { mountPath: string }) => m.mountPath),
        ['/inputs/prep', '/inputs/train/1', '/inputs/train/2', '/inputs/train/3'],
      );
    });

    it('refuses a pipeline launch with bad params or options in one sentence', async () => {
      for (const [text, expected] of [
        ['demo-pipeline rows=5', 'rows must be a whole number from 10 to 100000, not "5".'],
        [
          'demo-pipeline --gpu 1',
          "A pipeline launch takes no --options (each step's template sets its own resources); leave out --gpu.",
        ],
      ]) {
        const { io, out } = capture({ TRAINYARD_TEMPLATES: SHIPPED });
        assert.equal(await render([text], io), 2);
        assert.equal(out.stderr, `${expected}\n`);
        assert.equal(out.stdout, '');
      }
    });

    it('refuses a broken template with its problem', async () => {
      const { io, out } = capture({ TRAINYARD_TEMPLATES: broken });
      assert.equal(await render(['bad'], io), 2);
      assert.equal(
        out.stderr,
        'Template "bad" cannot be used until it is fixed: params.n.default: default must be a whole number of at least 1, not 0.\n',
      );
    });
  });
});
