import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRunSpec } from '../../../src/core/template/build-run-spec.ts';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';
import type { TemplateProblem } from '../../../src/core/template/template.ts';

const FILE = '/templates/t.yaml';
const HEAD = 'image: ghcr.io/acme/private:1\ncommand: [train]\n';

function parse(yaml: string) {
  return parseTemplate('t', FILE, '/templates/t', yaml);
}

function problemAt(yaml: string, field: string): TemplateProblem {
  const result = parse(yaml);
  assert.equal(result.ok, false, 'expected the template to be refused');
  const found = result.ok ? undefined : result.problems.find((p) => p.field === field);
  assert.ok(found, `no problem at ${field}; got ${JSON.stringify(result)}`);
  assert.match(found.message, /^[A-Z"{a-z].*\.$/, 'a sentence ending with a full stop');
  return found;
}

describe('secrets and private registries in job settings', () => {
  it('reads secretEnv as Secret keys, and imagePullSecrets and serviceAccountName as names, params included', () => {
    const result = parse(`${HEAD}params:
  team: { type: string, default: vision, pattern: '[a-z]+' }
env: { DATA_DIR: /data }
job:
  secretEnv: { HF_TOKEN: hf-token/token, WANDB_API_KEY: '{{team}}-wandb/api.key' }
  imagePullSecrets: [ghcr-pull, '{{team}}-pull']
  serviceAccountName: '{{team}}-trainer'
`);
    assert.ok(result.ok, JSON.stringify(result));
    const params = resolveParams(result.template, { team: 'nlp' });
    assert.ok(params.ok);
    const built = buildRunSpec(result.template, params.params);
    assert.ok(built.ok, JSON.stringify(built));
    assert.deepEqual(built.spec.job.secretEnv, {
      HF_TOKEN: { secret: 'hf-token', key: 'token' },
      WANDB_API_KEY: { secret: 'nlp-wandb', key: 'api.key' },
    });
    assert.deepEqual(built.spec.job.imagePullSecrets, ['ghcr-pull', 'nlp-pull']);
    assert.equal(built.spec.job.serviceAccountName, 'nlp-trainer');
    assert.equal(built.spec.env.HF_TOKEN, undefined, 'a secret value never sits in the spec');
  });

  it('leaves the settings out when a template does not use them', () => {
    const result = parse(HEAD);
    assert.ok(result.ok);
    const built = buildRunSpec(result.template, {});
    assert.ok(built.ok);
    assert.deepEqual(built.spec.job, { backoffLimit: 0 });
  });

  it('refuses each mistake with one sentence at its field', () => {
    assert.match(
      problemAt(`${HEAD}job: { secretEnv: { HF_TOKEN: hf-token } }\n`, 'job.secretEnv.HF_TOKEN').message,
      /must be <secret>\/<key>, e.g\. hf-token\/token, not "hf-token"/,
    );
    problemAt(`${HEAD}job: { secretEnv: { HF_TOKEN: Bad_Secret/key } }\n`, 'job.secretEnv.HF_TOKEN');
    problemAt(`${HEAD}job: { secretEnv: { HF_TOKEN: hf/ } }\n`, 'job.secretEnv.HF_TOKEN');
    assert.match(
      problemAt(`${HEAD}job: { secretEnv: { '1 bad': hf/token } }\n`, 'job.secretEnv.1 bad').message,
      /not a valid environment variable name/,
    );
    assert.match(
      problemAt(
        `${HEAD}env: { HF_TOKEN: x }\njob: { secretEnv: { HF_TOKEN: hf/token } }\n`,
        'job.secretEnv.HF_TOKEN',
      ).message,
      /HF_TOKEN is set in env too; set it in one place\./,
    );
    assert.match(
      problemAt(`${HEAD}job: { imagePullSecrets: [GHCR] }\n`, 'job.imagePullSecrets.0').message,
      /must name a Secret/,
    );
    problemAt(`${HEAD}job: { imagePullSecrets: ghcr }\n`, 'job.imagePullSecrets');
    assert.match(
      problemAt(`${HEAD}job: { serviceAccountName: 'two words' }\n`, 'job.serviceAccountName').message,
      /must name a service account/,
    );
  });
});
