import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputsOf } from '../../../src/services/pipelines/step-request.ts';
import { newPipelineId, stepRunId } from '../../../src/shared/pipeline-id.ts';
import { RUN_ID_PATTERN } from '../../../src/shared/run-id.ts';

describe('step runs', () => {
  it('get the same run id every time for the same pipeline and instance, shaped like any run id', () => {
    const pipeline = newPipelineId();
    assert.match(pipeline, /^p-[0-9a-z]{10}$/);
    const ids = ['prep', 'train#1', 'train#2'].map((key) => stepRunId(pipeline, key));
    assert.deepEqual(
      ids,
      ['prep', 'train#1', 'train#2'].map((key) => stepRunId(pipeline, key)),
    );
    for (const id of ids) assert.match(id, RUN_ID_PATTERN);
    assert.equal(new Set(ids).size, 3);
    assert.notEqual(stepRunId(newPipelineId(), 'prep'), ids[0]);
  });

  it('see a single run’s artifacts at <step>/ and a matrix’s at <step>/<index>/', () => {
    assert.deepEqual(
      inputsOf({
        inputs: [
          { step: 'prep', runs: [{ key: 'prep', runId: 'r-a' }] },
          {
            step: 'train',
            runs: [
              { key: 'train#1', index: 1, runId: 'r-b' },
              { key: 'train#2', index: 2, runId: 'r-c' },
            ],
          },
        ],
      }),
      [
        { path: 'prep', runId: 'r-a' },
        { path: 'train/1', runId: 'r-b' },
        { path: 'train/2', runId: 'r-c' },
      ],
    );
  });
});
