// Evaluates a demo model (two weights and a bias) on held-out samples: the test file an earlier
// step left in $TRAINYARD_INPUTS/<step>/test.json, else freshly generated ones. Prints the test
// metrics and sets them as outputs. Plain Node, no dependencies.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    weights: { type: 'string', default: '' },
    candidates: { type: 'string', default: '[]' },
    'expected-rows': { type: 'string', default: '0' },
    data: { type: 'string' },
  },
});
const usage =
  'usage: node evaluate.mjs [--weights "<w1>,<w2>,<bias>"] [--candidates <JSON list>] [--expected-rows <int>] [--data <file>]';

// Empty weights evaluate the untrained model (all zeros): a baseline.
const model =
  values.weights.trim() === '' ? [0, 0, 0] : values.weights.split(',').map((v) => Number(v.trim()));
const expectedRows = Number(values['expected-rows']);
let candidates;
try {
  candidates = JSON.parse(values.candidates || '[]');
} catch {
  candidates = undefined;
}
if (
  model.length !== 3 ||
  !model.every(Number.isFinite) ||
  !Array.isArray(candidates) ||
  !(expectedRows >= 0)
) {
  console.error(usage);
  process.exit(2);
}

/** The test file an earlier step left among this step's inputs, if any. */
function inputFile(name) {
  const inputs = process.env.TRAINYARD_INPUTS;
  if (!inputs || !existsSync(inputs)) return undefined;
  for (const step of readdirSync(inputs).sort()) {
    const file = join(inputs, step, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function generated(count) {
  let a = 1234;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: count }, () => {
    const x = [gaussian(), gaussian()];
    return [x[0], x[1], 2 * x[0] - 3 * x[1] + 0.5 + 0.5 * gaussian() > 0 ? 1 : 0];
  });
}

const file = values.data ?? inputFile('test.json');
const rows = file ? JSON.parse(readFileSync(file, 'utf8')).rows : generated(1000);
console.log(
  file
    ? `evaluating on ${rows.length} samples from ${file}`
    : `evaluating on ${rows.length} generated samples`,
);
if (expectedRows > 0 && rows.length !== expectedRows) {
  console.error(`expected ${expectedRows} test samples but found ${rows.length}`);
  process.exit(1);
}
if (candidates.length > 0)
  console.log(`the model was picked from ${candidates.length} candidates (losses ${candidates.join(', ')})`);

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
let loss = 0;
let correct = 0;
for (const [x1, x2, y] of rows) {
  const p = sigmoid(model[0] * x1 + model[1] * x2 + model[2]);
  loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
  if ((p > 0.5 ? 1 : 0) === y) correct++;
}
const testLoss = (loss / rows.length).toFixed(4);
const testAcc = (correct / rows.length).toFixed(4);
console.log(`test_loss=${testLoss} test_acc=${testAcc}`);
console.log(`::output test_loss=${testLoss}`);
console.log(`::output test_acc=${testAcc}`);
