// Logistic regression trained with full-batch gradient descent on generated, seeded data, or on
// samples an earlier pipeline step left in $TRAINYARD_INPUTS/<step>/samples.json (or --data).
// Plain Node, no dependencies. Prints one `epoch i/N loss=… acc=…` line per epoch, then the
// model as an output (`::output weights=w1,w2,bias`), also saved to $TRAINYARD_ARTIFACTS if set.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    lr: { type: 'string', default: '0.1' },
    'epoch-seconds': { type: 'string', default: '0.4' },
    seed: { type: 'string', default: '42' },
    data: { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const lr = Number(values.lr);
const epochSeconds = Number(values['epoch-seconds']);
if (!Number.isInteger(epochs) || epochs < 1 || !(lr > 0) || !(epochSeconds >= 0)) {
  console.error(
    'usage: node train.mjs --epochs <int ≥ 1> --lr <number > 0> [--epoch-seconds <number ≥ 0>] [--data <file>]',
  );
  process.exit(2);
}

// mulberry32: a small seeded generator, so every run sees the same data.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(Number(values.seed));
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** samples.json that an earlier step left among this step's inputs, if any. */
function inputSamples() {
  const inputs = process.env.TRAINYARD_INPUTS;
  if (!inputs || !existsSync(inputs)) return undefined;
  for (const step of readdirSync(inputs).sort()) {
    const file = join(inputs, step, 'samples.json');
    if (existsSync(file)) return file;
  }
  return undefined;
}

// Two features; the label follows a known linear rule plus noise.
const TRUE_W = [2.0, -3.0];
const TRUE_B = 0.5;
const dataFile = values.data ?? inputSamples();
const samples = dataFile
  ? JSON.parse(readFileSync(dataFile, 'utf8')).rows.map(([x1, x2, y]) => ({ x: [x1, x2], y }))
  : Array.from({ length: 1000 }, () => {
      const x = [gaussian(), gaussian()];
      const y = TRUE_W[0] * x[0] + TRUE_W[1] * x[1] + TRUE_B + 0.5 * gaussian() > 0 ? 1 : 0;
      return { x, y };
    });
if (dataFile) console.log(`training on ${samples.length} samples from ${dataFile}`);

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let w = [0, 0];
let b = 0;

for (let epoch = 1; epoch <= epochs; epoch++) {
  let loss = 0;
  let correct = 0;
  const grad = [0, 0];
  let gradB = 0;
  for (const { x, y } of samples) {
    const p = sigmoid(w[0] * x[0] + w[1] * x[1] + b);
    loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
    if ((p > 0.5 ? 1 : 0) === y) correct++;
    grad[0] += (p - y) * x[0];
    grad[1] += (p - y) * x[1];
    gradB += p - y;
  }
  const n = samples.length;
  w = [w[0] - (lr * grad[0]) / n, w[1] - (lr * grad[1]) / n];
  b -= (lr * gradB) / n;
  console.log(`epoch ${epoch}/${epochs} loss=${(loss / n).toFixed(4)} acc=${(correct / n).toFixed(4)}`);
  if (epochSeconds > 0 && epoch < epochs) await sleep(epochSeconds * 1000);
}
console.log(`done: weights [${w.map((v) => v.toFixed(3)).join(', ')}], bias ${b.toFixed(3)}`);

// The model as text a later step can take as a param, and as a file among the run's artifacts.
const weights = [...w, b].map((v) => v.toFixed(6)).join(',');
const artifacts = process.env.TRAINYARD_ARTIFACTS;
if (artifacts) {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'model.json'), JSON.stringify({ weights: w, bias: b, lr, epochs }));
}
console.log(`::output weights=${weights}`);
