import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/env.ts';
import { createPolicy, OPEN_POLICY } from '../../src/config/policy.ts';
import { checkPolicyFile, loadPolicyFile } from '../../src/config/policy-file.ts';
import type { Run, RunSpec } from '../../src/core/run/run.ts';
import { makeRun } from '../support/make-run.ts';

const spec = (template: string, gpu = 0): RunSpec => makeRun({}, { template, resources: { gpu } }).spec;
const runBy = (user: string): Run => makeRun({ launchedBy: user });

describe('createPolicy', () => {
  it('by default lets everyone launch anything and only the launcher stop', () => {
    const policy = createPolicy(OPEN_POLICY);
    assert.equal(policy.checkLaunch('U1', 'C1', spec('anything', 64), 1000), undefined);
    assert.equal(policy.mayStop('U1', runBy('U1')), true);
    assert.equal(policy.mayStop('U2', runBy('U1')), false);
    assert.equal(policy.isAdmin('U1'), false);
  });

  it("lets admins stop anyone's run, and anything else someone launched (a sweep)", () => {
    const policy = createPolicy({ admins: ['UADMIN'] });
    assert.equal(policy.mayStop('UADMIN', runBy('U1')), true);
    assert.equal(policy.mayStop('UADMIN', { launchedBy: 'U1' }), true);
    assert.equal(policy.mayStop('U2', { launchedBy: 'U1' }), false);
  });

  it('limits templates per channel, with * as the fallback channel', () => {
    const policy = createPolicy({ admins: [], channels: { CML: ['resnet', 'demo'], '*': ['demo'] } });
    assert.equal(policy.checkLaunch('U1', 'CML', spec('resnet'), 0), undefined);
    assert.equal(
      policy.checkLaunch('U1', 'COTHER', spec('resnet'), 0),
      'Template resnet may not be launched in this channel; allowed here: demo.',
    );
    assert.equal(policy.checkLaunch('U1', 'COTHER', spec('demo'), 0), undefined);
  });

  it('says which templates a channel may launch, and which may be launched somewhere (forms, Home tab)', () => {
    const open = createPolicy(OPEN_POLICY);
    assert.equal(open.mayLaunch?.('anything', 'C1'), true);
    assert.equal(open.mayLaunch?.('anything'), true);
    const policy = createPolicy({ admins: [], channels: { CML: ['resnet', 'demo'], CALL: '*', COTHER: [] } });
    assert.equal(policy.mayLaunch?.('resnet', 'CML'), true);
    assert.equal(policy.mayLaunch?.('sleep', 'CML'), false);
    assert.equal(policy.mayLaunch?.('sleep', 'CALL'), true);
    assert.equal(policy.mayLaunch?.('demo', 'CNONE'), false, 'a channel not named, with no * entry');
    assert.equal(policy.mayLaunch?.('sleep'), true, 'CALL takes every template');
    const narrow = createPolicy({ admins: [], channels: { CML: ['resnet'] } });
    assert.equal(narrow.mayLaunch?.('resnet'), true);
    assert.equal(narrow.mayLaunch?.('sleep'), false);
  });

  it('refuses channels the policy does not name when there is no * entry', () => {
    const policy = createPolicy({ admins: [], channels: { CML: '*' } });
    assert.equal(policy.checkLaunch('U1', 'CML', spec('x'), 0), undefined);
    assert.match(
      policy.checkLaunch('U1', 'CRANDOM', spec('x'), 0) ?? '',
      /^Nothing may be launched in this channel/,
    );
  });

  it('caps GPUs per run and concurrent runs per user in one sentence each', () => {
    const policy = createPolicy({ admins: ['UA'], maxGpusPerRun: 4, maxConcurrentRunsPerUser: 3 });
    assert.equal(
      policy.checkLaunch('U1', 'C1', spec('resnet', 8), 0),
      'This run asks for 8 GPUs but the limit is 4 per run; ask for 4 or fewer.',
    );
    assert.equal(
      policy.checkLaunch('U1', 'C1', spec('resnet', 1), 3),
      'You already have 3 runs going (the limit is 3); stop one or wait.',
    );
    assert.equal(policy.checkLaunch('U1', 'C1', spec('resnet', 4), 2), undefined);
    assert.ok(policy.checkLaunch('UA', 'C1', spec('resnet', 1), 3), 'limits apply to admins too');
  });
});

describe('policy file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-policy-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('loads a valid file', async () => {
    const path = await file(
      'ok.yaml',
      [
        'admins: [UADMIN]',
        'channels:',
        '  CML: [resnet]',
        '  "*": "*"',
        'maxConcurrentRunsPerUser: 2',
        'maxGpusPerRun: 1',
        'maxParallelTrials: 8',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await checkPolicyFile(path), []);
    const policy = await loadPolicyFile(path);
    assert.equal(policy.maxParallelTrials, 8);
    assert.equal(policy.isAdmin('UADMIN'), true);
    assert.match(policy.checkLaunch('U1', 'CML', spec('demo'), 0) ?? '', /allowed here: resnet/);
    assert.match(policy.checkLaunch('U1', 'C2', spec('demo', 2), 0) ?? '', /limit is 1 per run/);
  });

  it('without a path gives the open default, and an empty file means the same', async () => {
    assert.equal((await loadPolicyFile()).checkLaunch('U1', 'C1', spec('x', 99), 99), undefined);
    assert.equal((await loadPolicyFile()).maxParallelTrials, undefined, 'no cap on parallel trials');
    const empty = await file('empty.yaml', '');
    assert.equal((await loadPolicyFile(empty)).checkLaunch('U1', 'C1', spec('x', 99), 99), undefined);
  });

  it('lists every problem with file and field', async () => {
    const path = await file(
      'bad.yaml',
      [
        'admins: U1',
        'channels:',
        '  CML: resnet',
        'maxConcurrentRunsPerUser: 0',
        'maxGpusPerRun: 1.5',
        'maxParallelTrials: 0',
        'adminz: []',
        '',
      ].join('\n'),
    );
    const problems = await checkPolicyFile(path);
    assert.equal(problems.length, 6, problems.join('\n'));
    const fields = [
      'admins',
      'channels.CML',
      'maxConcurrentRunsPerUser',
      'maxGpusPerRun',
      'maxParallelTrials',
      'adminz',
    ];
    for (const field of fields) {
      assert.ok(
        problems.some((p) => p.startsWith(`${path}: `) && p.includes(field)),
        `a problem names ${field}: ${problems.join(' | ')}`,
      );
    }
    await assert.rejects(loadPolicyFile(path), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /6 problem/);
      return true;
    });
  });

  it('reports YAML syntax errors with their line and a missing file plainly', async () => {
    const path = await file('syntax.yaml', 'admins: [U1\nchannels: {');
    const problems = await checkPolicyFile(path);
    assert.ok(problems.length > 0 && problems.every((p) => /: line \d+: /.test(p)), problems.join('\n'));
    assert.deepEqual(await checkPolicyFile(join(dir, 'missing.yaml')), [
      `${join(dir, 'missing.yaml')}: cannot be read; check TRAINYARD_CONFIG points to the policy file.`,
    ]);
  });
});
