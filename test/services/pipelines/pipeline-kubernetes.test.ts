/**
 * The demo pipeline on a cluster: the whole hub with the real Kubernetes runtime (client-node)
 * against the loopback fake API server, an artifacts claim configured, and the prep step taking
 * its code from git through its init container. The fake plays the kubelet: it runs the clone,
 * the containers and their logs as the test says.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { Hub } from '../../../src/services/Hub.ts';
import { renderReply } from '../../../src/views/blocks/reply.ts';
import { renderGroupNoticeText } from '../../../src/views/text/group-card-text.ts';
import { renderReplyText } from '../../../src/views/text/reply-text.ts';
import { eventually } from '../../support/eventually.ts';
import { alice } from '../../support/hub-world.ts';
import type { FakeKubeApiServer } from '../../support/kube-api-server.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { type ClusterHub, startClusterHub, stepJob } from './pipeline-cluster.ts';
import { DEMO_LINES } from './pipeline-world.ts';

const MANIFESTS = join(import.meta.dirname, '../../../manifests');
const SECRET_URL = 'https://bot:t0ken-s3cret@git.example.com/data/prep.git';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('The demo pipeline on Kubernetes (fake API server, artifacts claim, code from git)', () => {
  let fake: FakeKubeApiServer;
  let hub: Hub;
  let store: FileStore;
  let cluster: ClusterHub;
  const chat = new RecordingChat();

  before(async () => {
    cluster = await startClusterHub({
      chat,
      templates: (dir) => {
        const templates = join(dir, 'manifests');
        cpSync(MANIFESTS, templates, { recursive: true });
        // prep takes its code from a private repository (the token must never reach the chat).
        const prep = readFileSync(join(templates, 'prep.yaml'), 'utf8');
        writeFileSync(join(templates, 'prep.yaml'), `${prep}code: { git: '${SECRET_URL}', ref: main }\n`);
        return templates;
      },
      env: { TRAINYARD_ARTIFACTS_CLAIM: 'trainyard-artifacts' },
      // A step's outputs are in its last log lines: the end waits for them (read to the end, at once
      // when all is well), however slow a loaded test machine delivers the log stream.
      logDrainMs: 30_000,
    });
    ({ fake, hub, store } = cluster);
  });
  after(() => cluster.close());

  const jobOf = (step: string, index?: number) => stepJob(fake, step, index);

  function runPod(pod: string, lines: string[]): void {
    fake.startContainer(pod);
    fake.log(pod, lines);
    fake.terminate(pod, 0);
  }

  it('runs every step as a Job with its artifacts and inputs mounted, passes outputs on, and records lineage', async () => {
    const outcome = await hub.door.command('demo-pipeline rows=100 epochs=2', alice);
    assert.deepEqual(chat.errors(), []);
    const [record] = store.pipelines.list();

    const prep = await jobOf('prep');
    const prepPod = prep.job.spec.template.spec;
    assert.equal(prep.job.metadata.labels['trainyard.io/pipeline'], record.id);
    assert.deepEqual(
      prepPod.containers[0].volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/artifacts'),
      { name: 'trainyard-artifacts', mountPath: '/artifacts', subPath: prep.runId },
    );
    assert.equal(prepPod.initContainers[0].name, 'code');
    assert.equal(prepPod.containers[0].workingDir, '/code');
    // The clone runs first; its log's last line is the commit, recorded before the job's container starts.
    fake.startInit(prep.pod, 'code');
    fake.finishInit(prep.pod, 'code', 0, [`trainyard-commit ${COMMIT}`]);
    await eventually('the commit to be recorded', () => store.getRun(prep.runId)?.lineage?.commit === COMMIT);
    assert.equal(store.getRun(prep.runId)?.state, 'pending');
    runPod(prep.pod, DEMO_LINES.prep);

    const train1 = await jobOf('train', 1);
    const train2 = await jobOf('train', 2);
    assert.deepEqual(
      train2.job.spec.template.spec.containers[0].volumeMounts.filter(
        (m: { readOnly?: boolean }) => m.readOnly,
      ),
      [{ name: 'trainyard-artifacts', mountPath: '/inputs/prep', subPath: prep.runId, readOnly: true }],
    );
    runPod(train1.pod, DEMO_LINES['train#1']);
    const train3 = await jobOf('train', 3);
    runPod(train2.pod, DEMO_LINES['train#2']);
    runPod(train3.pod, DEMO_LINES['train#3']);

    const evaluate = await jobOf('eval');
    const main = evaluate.job.spec.template.spec.containers[0];
    assert.deepEqual(main.args, [
      '--weights',
      '2,2,2',
      '--candidates',
      '["0.5","0.3","0.4"]',
      '--expected-rows',
      '20',
    ]);
    assert.deepEqual(
      main.volumeMounts
        .filter((m: { readOnly?: boolean }) => m.readOnly)
        .map((m: { mountPath: string; subPath: string }) => [m.mountPath, m.subPath]),
      [
        ['/inputs/prep', prep.runId],
        ['/inputs/train/1', train1.runId],
        ['/inputs/train/2', train2.runId],
        ['/inputs/train/3', train3.runId],
      ],
    );
    assert.ok(
      main.env.some(
        (e: { name: string; value: string }) => e.name === 'TRAINYARD_INPUTS' && e.value === '/inputs',
      ),
    );
    runPod(evaluate.pod, DEMO_LINES.eval);

    assert.equal(await outcome.groups?.[0](), true);
    assert.equal(fake.count('POST', '/jobs'), 5, 'one create per step');
    const evalRun = store.getRun(evaluate.runId);
    assert.deepEqual(evalRun?.outputs, { test_loss: '0.2', test_acc: '0.95' });

    // Lineage: the eval run's tree reaches prep, with its commit and its repository redacted.
    await hub.door.command(`lineage ${evalRun?.number}`, alice);
    const text = renderReplyText(chat.answers.at(-1)?.reply ?? { kind: 'help' }, new Date());
    assert.match(text, new RegExp(`commit ${COMMIT.slice(0, 12)}`));
    assert.match(text, /code https:\/\/\*\*\*@git\.example\.com\/data\/prep\.git@main/);
    const notice = renderGroupNoticeText(chat.groupNotices[0].card, chat.groupNotices[0].logTail, new Date());
    const slack = JSON.stringify(renderReply(chat.answers.at(-1)?.reply ?? { kind: 'help' }));
    const shown = [text, slack, notice.join('\n'), JSON.stringify(store.getRun(prep.runId)?.lineage)];
    for (const [i, what] of shown.entries())
      assert.ok(!what.includes('t0ken-s3cret'), `shown text ${i} has no token`);
  });
});
