import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadTemplates } from '../../../src/adapters/templates/load-templates.ts';
import { buildRunSpec } from '../../../src/core/template/build-run-spec.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';

// Runs the shipped Node templates the way the process runtime does: the spec's command and
// args, no shell, in the spec's working directory, with `node` being this Node binary.
describe('shipped Node templates', async () => {
  const catalog = await loadTemplates(new URL('../../../manifests', import.meta.url).pathname);

  function runTemplate(name: string, raw: Record<string, string>) {
    const template = catalog.templates.get(name);
    assert.ok(template, `template ${name} did not load`);
    const params = resolveParams(template, raw);
    assert.ok(params.ok, JSON.stringify(params));
    const built = buildRunSpec(template, params.params);
    assert.ok(built.ok, JSON.stringify(built));
    const [program, ...rest] = built.spec.command;
    assert.equal(program, 'node');
    return spawnSync(process.execPath, [...rest, ...built.spec.args], {
      cwd: built.spec.workdir,
      env: { ...built.spec.env, PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it('demo trains: one epoch line per epoch, loss falling, exit 0', () => {
    const result = runTemplate('demo', { epochs: '4', lr: '0.5', epoch_seconds: '0' });
    assert.equal(result.status, 0, result.stderr);
    const epochs = result.stdout.split('\n').filter((l) => l.startsWith('epoch '));
    assert.equal(epochs.length, 4);
    const pattern = /^epoch (\d+)\/4 loss=(\d+\.\d+) acc=(\d+\.\d+)$/;
    const losses = epochs.map((line, i) => {
      const m = pattern.exec(line);
      assert.ok(m, line);
      assert.equal(Number(m[1]), i + 1);
      return Number(m[2]);
    });
    assert.ok(losses[3] < losses[0], `loss should fall: ${losses.join(' ')}`);
  });

  it('sleep counts its steps and exits with the code asked for', () => {
    const result = runTemplate('sleep', { seconds: '0.2', exit_code: '3' });
    assert.equal(result.status, 3, result.stderr);
    assert.equal(result.stdout, 'step 1/1\n');
    assert.equal(runTemplate('sleep', { seconds: '0' }).status, 0);
  });
});
