import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type V1Job } from '@kubernetes/client-node';
import { MetricsRegistry } from '../../../../src/adapters/http/metrics.ts';
import { KubeApiError } from '../../../../src/adapters/runtimes/kubernetes/api-error.ts';
import { KeepAliveAgents } from '../../../../src/adapters/runtimes/kubernetes/keep-alive-agent.ts';
import { KubeApi } from '../../../../src/adapters/runtimes/kubernetes/kube-api.ts';
import { FakeKubeApiServer } from '../../../support/kube-api-server.ts';
import { apiFor, type Harness, makeRun, NAMESPACE, startHarness } from './harness.ts';

let seq = 0;
const job = (): V1Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: `keep-alive-${++seq}`, labels: { 'app.kubernetes.io/managed-by': 'trainyard' } },
  spec: {
    template: {
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
    },
  },
});

describe('Kubernetes calls share keep-alive connections', () => {
  let fake: FakeKubeApiServer;
  let api: KubeApi;

  before(async () => {
    fake = await FakeKubeApiServer.start();
    api = apiFor(fake.writeKubeconfig({ namespace: NAMESPACE }));
  });
  after(async () => {
    api.close();
    await fake.close();
  });

  it('sends 30 creates, a list and a read one after another over one connection', async () => {
    const before = fake.connectionsAccepted;
    for (let i = 0; i < 30; i++) await api.createJob(NAMESPACE, job());
    await api.listJobs(NAMESPACE, 'app.kubernetes.io/managed-by=trainyard');
    await api.readJob(NAMESPACE, `keep-alive-${seq}`);
    assert.equal(fake.count('POST'), 30);
    // client-node alone opens a connection per call: 32 here.
    assert.equal(fake.connectionsAccepted - before, 1);
  });

  it('opens at most 16 connections for 50 creates at once, and reuses them for the next 50', async () => {
    const before = fake.connectionsAccepted;
    await Promise.all(Array.from({ length: 50 }, () => api.createJob(NAMESPACE, job())));
    const opened = fake.connectionsAccepted - before;
    assert.ok(opened <= 16, `${opened} connections`);
    await Promise.all(Array.from({ length: 50 }, () => api.createJob(NAMESPACE, job())));
    assert.equal(fake.connectionsAccepted - before, opened);
  });

  it('still gives up on a call the server does not answer in time, and the next call goes through', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(fake.writeKubeconfig({ namespace: NAMESPACE }));
    const impatient = new KubeApi(kubeConfig, new MetricsRegistry(), 200);
    fake.fault({ method: 'POST', path: '/jobs', delayMs: 2000, times: 1 });
    await assert.rejects(impatient.createJob(NAMESPACE, job()), (err) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 0);
      assert.ok(err.transient);
      return true;
    });
    await impatient.createJob(NAMESPACE, job());
    impatient.close();
  });

  it('turns an error reply into the API’s own words', async () => {
    const name = `keep-alive-${seq}`;
    await assert.rejects(api.readJob(NAMESPACE, `${name}-missing`), (err) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 404);
      assert.match(err.message, /not found/);
      return true;
    });
  });
});

describe('the Kubernetes runtime on keep-alive connections', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('submits 20 runs without a connection per Job, and gets past connections the server dropped', async () => {
    const before = h.fake.connectionsAccepted;
    for (let i = 0; i < 10; i++) await h.runtime.submit(makeRun());
    assert.ok(h.fake.connectionsAccepted - before <= 1, 'one connection (or none: the lists left one open)');
    // The server drops every connection, idle ones included (as after an API server restart).
    h.fake.refuseConnections(true);
    h.fake.refuseConnections(false);
    const runs = Array.from({ length: 10 }, () => makeRun());
    for (const run of runs) await h.runtime.submit(run);
    for (const run of runs) assert.ok(h.fake.jobOf(run.id), `a Job for ${run.id}`);
  });
});

describe('Kubernetes log streams', () => {
  it('share an agent while the TLS settings stay, take a new one when they change, and are not held to 16', async () => {
    const fake = await FakeKubeApiServer.start();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(fake.writeKubeconfig({ namespace: NAMESPACE }));
    // The settings a renewed client certificate would bring: the kubeconfig's own are plain http.
    let cert = 'cert-1';
    const applied = kubeConfig.applyToFetchOptions.bind(kubeConfig);
    kubeConfig.applyToFetchOptions = async (options) => ({
      ...(await applied(options)),
      agent: new http.Agent({ cert } as http.AgentOptions),
    });
    const api = new KubeApi(kubeConfig, new MetricsRegistry());
    try {
      const created = await api.createJob(NAMESPACE, job());
      const pod = fake.createPod(created.metadata!.name!).metadata.name;
      fake.startContainer(pod);
      fake.log(pod, ['epoch 1/2']);
      const agentOf = async () => {
        const res = await api.followLog(NAMESPACE, pod, 'main');
        res.destroy();
        return (res as IncomingMessage & { req: { agent: http.Agent } }).req.agent;
      };
      const first = await agentOf();
      assert.equal(await agentOf(), first);
      assert.equal(
        first.maxSockets,
        Number.POSITIVE_INFINITY,
        'a thousand open streams need a thousand connections',
      );
      cert = 'cert-2';
      const renewed = await agentOf();
      assert.notEqual(renewed, first);
      assert.equal((renewed as http.Agent & { options: { cert: string } }).options.cert, 'cert-2');
    } finally {
      api.close();
      await fake.close();
    }
  });
});

describe('KeepAliveAgents', () => {
  it('gives calls with the same settings one keep-alive agent, with those settings', () => {
    const agents = new KeepAliveAgents();
    const first = agents.agentFor(new https.Agent({ ca: 'CA-1', rejectUnauthorized: true }));
    const second = agents.agentFor(new https.Agent({ ca: 'CA-1', rejectUnauthorized: true }));
    assert.equal(first, second);
    assert.ok(first instanceof https.Agent);
    const options = (first as https.Agent & { options: Record<string, unknown> }).options;
    assert.equal(options.ca, 'CA-1');
    assert.equal(options.rejectUnauthorized, true);
    assert.equal(options.keepAlive, true);
  });

  it('makes a new agent when the TLS settings change (a renewed client certificate)', () => {
    const agents = new KeepAliveAgents();
    const first = agents.agentFor(new https.Agent({ cert: 'cert-1', key: 'key-1' }));
    const renewed = agents.agentFor(new https.Agent({ cert: 'cert-2', key: 'key-2' }));
    assert.notEqual(first, renewed);
    assert.equal((renewed as https.Agent & { options: { cert: string } }).options.cert, 'cert-2');
  });

  it('leaves a proxy agent as client-node made it', () => {
    class ProxyAgent extends http.Agent {}
    const proxy = new ProxyAgent();
    assert.equal(new KeepAliveAgents().agentFor(proxy), proxy);
  });
});
