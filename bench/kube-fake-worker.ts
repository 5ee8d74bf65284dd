/**
 * The fake Kubernetes API server in a worker thread, so the heap benchmark measures only the
 * runtime's memory (a worker has its own heap). Driven by messages from the benchmark.
 */
import { parentPort } from 'node:worker_threads';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';

type Message = { op: 'start-all'; lines: string[] } | { op: 'close' };

const port = parentPort!;
const fake = await FakeKubeApiServer.start();
port.postMessage({ kubeconfig: fake.writeKubeconfig({ namespace: 'bench' }) });
port.on('message', async (msg: Message) => {
  if (msg.op === 'start-all') {
    for (const pod of fake.pods()) {
      fake.startContainer(pod.metadata.name);
      fake.log(pod.metadata.name, msg.lines);
    }
    port.postMessage({ started: true });
  } else {
    await fake.close();
    port.close();
  }
});
