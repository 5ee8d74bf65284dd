/**
 * The Role in deploy/ against what the Kubernetes runtime really asks of the API server: every
 * request of a run's whole life (submit, watch, logs, tail, stop, a restart that recovers) must be
 * granted, and every verb granted must be one the bot uses (least privilege, checked both ways).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type Harness, makeRun, podName, startHarness } from '../adapters/runtimes/kubernetes/harness.ts';
import type { RecordedRequest } from '../support/kube-api-server.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const role = parse(readFileSync(join(import.meta.dirname, '../../deploy/role.yaml'), 'utf8'));
const granted = new Set(
  (role.rules as Rule[]).flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${res} ${v}`))),
);

/** The RBAC resource and verb the API server checks a request against. */
function rbacOf(req: RecordedRequest): string {
  const path = req.path.split('?')[0];
  const m = /^\/apis?\/(?:[^/]+\/)?v1\/namespaces\/[^/]+\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(path);
  assert.ok(m, `a request the bot should not make: ${req.method} ${path}`);
  const [, resource, name, sub] = m;
  const res = sub ? `${resource}/${sub}` : resource;
  const watch = req.query.get('watch') === 'true' || req.query.get('watch') === '1';
  const verb =
    req.method === 'POST'
      ? 'create'
      : req.method === 'DELETE'
        ? name
          ? 'delete'
          : 'deletecollection'
        : req.method === 'PATCH'
          ? 'patch'
          : req.method === 'PUT'
            ? 'update'
            : name
              ? 'get'
              : watch
                ? 'watch'
                : 'list';
  return `${res} ${verb}`;
}

describe('deploy/role.yaml against the runtime', () => {
  let h: Harness;
  const used = new Set<string>();

  before(async () => {
    h = await startHarness();
    // A run that prints, is tailed and stopped.
    const stopped = makeRun();
    await h.runtime.submit(stopped);
    const pod = await podName(h, stopped.id);
    h.fake.startContainer(pod);
    h.fake.log(pod, ['epoch 1/3 loss=0.5']);
    await h.sink.until('its log line', () => h.sink.linesOf(stopped.id).length > 0);
    await h.runtime.tail?.(stopped, 10);
    // A submit that was sent before a crash and is sent again: the Job exists, so it is read.
    await h.runtime.submit(stopped);
    await h.runtime.stop(stopped);
    // A run that ends while the bot is down, recovered by the next one.
    const finished = makeRun();
    const placement = await h.runtime.submit(finished);
    const second = await podName(h, finished.id);
    h.fake.startContainer(second);
    await h.sink.untilState(finished.id, 'running');
    await h.runtime.close();
    h.fake.terminate(second, 0);
    const { runtime, sink } = await h.restart();
    await runtime.recover([{ ...finished, placement, state: 'running' }]);
    await sink.untilState(finished.id, 'succeeded');
    for (const req of h.fake.requests) used.add(rbacOf(req));
  });
  after(() => h.close());

  it('grants every request the bot makes', () => {
    const missing = [...used].filter((u) => !granted.has(u));
    assert.deepEqual(missing, [], `the Role lacks: ${missing.join('; ')}`);
  });

  it('grants nothing the bot does not use', () => {
    const unused = [...granted].filter((g) => !used.has(g));
    assert.deepEqual(unused, [], `the Role grants unused: ${unused.join('; ')}`);
  });
});
