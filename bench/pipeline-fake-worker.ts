/**
 * The fake Kubernetes API server in a worker thread for the pipeline benchmark, so its own work
 * (storing objects, serving watches) runs beside the bot, as a real API server's does, not on the
 * bot's event loop. It plays the kubelet when asked: `end` runs the oldest Job's pod to success.
 * Times are absolute (timeOrigin + now), comparable across threads.
 */
import { parentPort } from 'node:worker_threads';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';

type Message = { op: 'end' } | { op: 'creates'; atLeast: number } | { op: 'stats' } | { op: 'close' };

const port = parentPort!;
const fake = await FakeKubeApiServer.start();
const now = () => performance.timeOrigin + performance.now();
const ended = new Set<string>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
port.postMessage({ kubeconfig: fake.writeKubeconfig({ namespace: 'bench' }), url: fake.url });

port.on('message', async (msg: Message) => {
  switch (msg.op) {
    case 'end': {
      const job = fake.jobs().find((j) => !ended.has(j.metadata.name));
      if (!job) {
        port.postMessage({ error: 'no job left to end' });
        return;
      }
      ended.add(job.metadata.name);
      const runId: string = job.metadata.labels['trainyard.io/run'];
      while (!fake.podOf(runId)) await sleep(1);
      const pod = fake.podOf(runId)?.metadata.name as string;
      fake.startContainer(pod);
      const at = now();
      fake.terminate(pod, 0);
      port.postMessage({ step: job.metadata.labels['trainyard.io/step'], at });
      return;
    }
    case 'creates': {
      // Waits here, not in the bot's thread, until that many creates have arrived.
      const posts = () => fake.requests.filter((r) => r.method === 'POST');
      for (let i = 0; posts().length < msg.atLeast && i < 20_000; i++) await sleep(1);
      port.postMessage({ times: posts().map((r) => performance.timeOrigin + r.at) });
      return;
    }
    case 'stats': {
      const count = (f: (r: (typeof fake.requests)[number]) => boolean) => fake.requests.filter(f).length;
      port.postMessage({
        creates: count((r) => r.method === 'POST'),
        watches: count((r) => r.query.get('watch') === 'true'),
        lists: count(
          (r) => r.method === 'GET' && r.query.get('watch') !== 'true' && !r.path.endsWith('/log'),
        ),
        logs: count((r) => r.path.endsWith('/log')),
        total: fake.requests.length,
      });
      return;
    }
    case 'close':
      await fake.close();
      port.close();
  }
});
