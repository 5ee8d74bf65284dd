import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lineageTree } from '../../../src/core/lineage/lineage-tree.ts';
import { renderLineage } from '../../../src/views/blocks/lineage.ts';
import { renderPipelineCard, renderPipelineNotice } from '../../../src/views/blocks/pipeline-card.ts';
import { assertSafeSlackMessage } from '../../support/view-checks.ts';
import {
  hostileLineageRuns,
  hostileLogTail,
  hostilePipelineRecord,
  lookupStepRun,
  NOW,
} from '../hostile-pipelines.ts';

/**
 * The pipeline card, its completion notice and the lineage answer, with every field from
 * outside Trainyard set to hostile text: nothing posted holds a `<!…>`, `<@…>`, `<#…>`, link
 * or code fence the text put there (assertSafeSlackMessage allows only the mentions Trainyard
 * writes itself), and Slack's limits hold.
 */

const LAUNCHER = 'U123';
const STOPPER = 'U9';
/** The ids Trainyard itself mentions in these messages. */
const ALLOWED = [LAUNCHER, STOPPER];
const users = fc.constantFrom(LAUNCHER, STOPPER, '<!channel>', 'U1 <!here>', 'U1><#C1');
const RUNS = { numRuns: 150 };

describe('pipeline and lineage Block Kit views with hostile text (property)', () => {
  it('pipeline card', () => {
    fc.assert(
      fc.property(hostilePipelineRecord(users), (record) =>
        assertSafeSlackMessage(renderPipelineCard(record, lookupStepRun, NOW), ALLOWED),
      ),
      RUNS,
    );
  });

  it('pipeline completion notice, with hostile log lines', () => {
    fc.assert(
      fc.property(hostilePipelineRecord(users), hostileLogTail, (record, tail) =>
        assertSafeSlackMessage(renderPipelineNotice(record, lookupStepRun, tail, NOW), ALLOWED),
      ),
      RUNS,
    );
  });

  it('lineage', () => {
    fc.assert(
      fc.property(hostileLineageRuns, (runs) =>
        assertSafeSlackMessage(renderLineage(lineageTree('r-0', (id) => runs.get(id)))),
      ),
      RUNS,
    );
  });
});
