import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactFolders } from '../../../../src/adapters/artifacts/ArtifactFolders.ts';
import { ProcessRuntime } from '../../../../src/adapters/runtimes/process/ProcessRuntime.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { eventually } from '../../../support/eventually.ts';
import { type GitRepo, makeGitRepo } from '../../../support/git-repo.ts';
import { makeRun } from '../../../support/make-run.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

/** A job that writes a file into its artifacts folder and lists what its inputs hold. */
const WRITE_AND_LIST = [
  'node',
  '-e',
  [
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    "fs.mkdirSync(path.join(process.env.TRAINYARD_ARTIFACTS, 'sub'), { recursive: true });",
    "fs.writeFileSync(path.join(process.env.TRAINYARD_ARTIFACTS, 'model.json'), '{\"w\":1}');",
    "fs.writeFileSync(path.join(process.env.TRAINYARD_ARTIFACTS, 'sub', 'notes.txt'), 'hi');",
    'const inputs = process.env.TRAINYARD_INPUTS;',
    "if (inputs) for (const step of fs.readdirSync(inputs)) console.log('input', step, fs.readdirSync(path.join(inputs, step)).join(','));",
    "console.log('artifacts', process.env.TRAINYARD_ARTIFACTS);",
  ].join('\n'),
];

describe('ProcessRuntime: artifacts, inputs and code from git', () => {
  const data = mkdtempSync(join(tmpdir(), 'trainyard-process-data-'));
  const sink = new RecordingSink();
  const runtime = new ProcessRuntime({
    log: silentLogger,
    graceMs: 300,
    env: { PATH: process.env.PATH },
    dataDir: data,
  });
  let repo: GitRepo;
  before(async () => {
    repo = makeGitRepo();
    await runtime.start(sink);
  });
  after(async () => {
    await runtime.close();
    rmSync(data, { recursive: true, force: true });
    rmSync(join(repo.dir, '..'), { recursive: true, force: true });
  });

  it('gives every run its own artifacts folder under TRAINYARD_DATA/artifacts, kept after it ends', async () => {
    const run = makeRun({ id: 'r-producer01' }, { command: WRITE_AND_LIST });
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.equal(sink.last(run.id)?.state, 'succeeded', JSON.stringify(sink.linesOf(run.id)));
    const folder = join(data, 'artifacts', run.id);
    assert.deepEqual(sink.linesOf(run.id), [`artifacts ${folder}`]);
    assert.equal(readFileSync(join(folder, 'model.json'), 'utf8'), '{"w":1}');
    assert.equal(runtime.keepsArtifacts, true);
    const listed = await new ArtifactFolders(join(data, 'artifacts'), true).list(run.id);
    assert.deepEqual(listed, {
      kept: true,
      files: [
        { name: 'model.json', size: 7 },
        { name: 'sub/notes.txt', size: 2 },
      ],
      count: 2,
    });
  });

  it('links the artifacts of the runs it reads under TRAINYARD_INPUTS/<step>/', async () => {
    const run = makeRun(
      { id: 'r-consumer01' },
      {
        command: WRITE_AND_LIST,
        inputs: [
          { path: 'prep', runId: 'r-producer01' },
          { path: 'train/1', runId: 'r-nothing001' },
        ],
      },
    );
    await runtime.submit(run);
    await sink.ended(run.id);
    const lines = sink.linesOf(run.id);
    assert.ok(lines.includes('input prep model.json,sub'), JSON.stringify(lines));
    assert.ok(lines.includes('input train 1'), 'a matrix step has one folder per run');
    const inputs = join(data, 'runs', run.id, 'inputs');
    assert.equal(readlinkSync(join(inputs, 'prep')), join(data, 'artifacts', 'r-producer01'));
    // An input that wrote nothing is an empty folder, not a dangling link.
    assert.ok(existsSync(join(inputs, 'train', '1')));
  });

  for (const [ref, expected, commit] of [
    [undefined, 'code from main', 'first'],
    ['feature', 'code from feature', 'feature'],
    ['v1', 'code from feature', 'feature'],
  ] as const) {
    it(`clones the code at ${ref ?? 'the default branch'}, runs there and reports the commit first`, async () => {
      const run = makeRun(
        {},
        { command: ['node', 'script.mjs'], code: { git: repo.url, ...(ref && { ref }) } },
      );
      await runtime.submit(run);
      // Reported when the clone is done, before the job ran at all.
      assert.equal(sink.commits.get(run.id), repo.commits[commit]);
      assert.equal(sink.linesOf(run.id).length, 0);
      await sink.ended(run.id);
      assert.deepEqual(sink.linesOf(run.id), [expected]);
      // The working copy goes with the job; its commit is what stays.
      const clone = join(data, 'runs', run.id, 'code');
      await eventually('the working copy to be removed', () => !existsSync(clone));
    });
  }

  it('clones at a commit SHA too', async () => {
    const run = makeRun(
      {},
      { command: ['node', 'script.mjs'], code: { git: repo.url, ref: repo.commits.first } },
    );
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.deepEqual(sink.linesOf(run.id), ['code from main']);
    assert.equal(sink.commits.get(run.id), repo.commits.first);
  });

  it('refuses to start when the ref does not exist, in one sentence with git’s words and no credentials', async () => {
    const secretUrl = `file://user:hunter2@localhost${repo.dir}`;
    const missingRef = makeRun({}, { command: ['node', 'script.mjs'], code: { git: repo.url, ref: 'nope' } });
    await assert.rejects(runtime.submit(missingRef), (err: Error) => {
      assert.match(err.message, /^Checking out nope of file:\/\/.*repo\.git failed: .*nope/);
      return true;
    });
    const badUrl = makeRun({}, { command: ['node', 'x'], code: { git: `${secretUrl}-missing` } });
    await assert.rejects(runtime.submit(badUrl), (err: Error) => {
      assert.match(err.message, /^Cloning file:\/\/\*\*\*@localhost.*failed/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
    assert.equal(sink.commits.has(missingRef.id), false);
  });
});
