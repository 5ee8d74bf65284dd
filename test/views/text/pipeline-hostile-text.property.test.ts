import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lineageTree } from '../../../src/core/lineage/lineage-tree.ts';
import { renderLineageText } from '../../../src/views/text/lineage-text.ts';
import { renderPipelineCardText, renderPipelineNoticeText } from '../../../src/views/text/pipeline-text.ts';
import { hostileText } from '../../support/hostile-text.ts';
import { assertSafeTerminalText } from '../../support/view-checks.ts';
import {
  hostileLineageRuns,
  hostileLogTail,
  hostilePipelineRecord,
  lookupStepRun,
  NOW,
} from '../hostile-pipelines.ts';

/**
 * The console pipeline card, completion notice and lineage tree, with every field from outside
 * Trainyard set to hostile text (user ids too): no ESC sequence, carriage return or other
 * control character reaches the terminal, and every line the view returns is one line.
 */

const RUNS = { numRuns: 150 };
const users = hostileText();

describe('pipeline and lineage console views with hostile text (property)', () => {
  it('pipeline card', () => {
    fc.assert(
      fc.property(hostilePipelineRecord(users), (record) =>
        assertSafeTerminalText(renderPipelineCardText(record, lookupStepRun, NOW)),
      ),
      RUNS,
    );
  });

  it('pipeline completion notice, with hostile log lines', () => {
    fc.assert(
      fc.property(hostilePipelineRecord(users), hostileLogTail, (record, tail) =>
        assertSafeTerminalText(renderPipelineNoticeText(record, lookupStepRun, tail, NOW)),
      ),
      RUNS,
    );
  });

  it('lineage', () => {
    fc.assert(
      fc.property(hostileLineageRuns, (runs) =>
        assertSafeTerminalText(renderLineageText(lineageTree('r-0', (id) => runs.get(id)))),
      ),
      RUNS,
    );
  });
});
