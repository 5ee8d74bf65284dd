// Prepares data for the demo pipeline: generated, seeded samples of the same linear rule the
// demo model learns, split into a training and a test file in $TRAINYARD_ARTIFACTS, so later
// steps read them from $TRAINYARD_INPUTS/prep/. Plain Node, no dependencies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    'test-fraction': { type: 'string', default: '0.2' },
  },
});
const rows = Number(values.rows);
const seed = Number(values.seed);
const testFraction = Number(values['test-fraction']);
if (
  !Number.isInteger(rows) ||
  rows < 10 ||
  !Number.isInteger(seed) ||
  !(testFraction > 0 && testFraction < 1)
) {
  console.error('usage: node prep.mjs --rows <int ≥ 10> [--seed <int>] [--test-fraction <0..1>]');
  process.exit(2);
}

// mulberry32, as in demo/train.mjs: the same seed gives the same data everywhere.
function random(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(seed);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// Two features; the label follows a known linear rule plus noise (the rule train.mjs assumes).
const TRUE_W = [2.0, -3.0];
const TRUE_B = 0.5;
const samples = Array.from({ length: rows }, () => {
  const x = [gaussian(), gaussian()];
  const y = TRUE_W[0] * x[0] + TRUE_W[1] * x[1] + TRUE_B + 0.5 * gaussian() > 0 ? 1 : 0;
  return [Number(x[0].toFixed(5)), Number(x[1].toFixed(5)), y];
});
const testRows = Math.max(1, Math.round(rows * testFraction));
const train = samples.slice(testRows);
const test = samples.slice(0, testRows);
const positives = train.filter((s) => s[2] === 1).length;

const artifacts = process.env.TRAINYARD_ARTIFACTS;
if (artifacts) {
  mkdirSync(artifacts, { recursive: true });
  const file = (name, rowsOfFile) =>
    writeFileSync(
      join(artifacts, name),
      JSON.stringify({ features: ['x1', 'x2'], label: 'y', rows: rowsOfFile }),
    );
  file('samples.json', train);
  file('test.json', test);
  console.log(`wrote ${train.length} training and ${test.length} test samples to ${artifacts}`);
} else {
  console.log('TRAINYARD_ARTIFACTS is not set, so the samples are not kept');
}
console.log(`positives=${(positives / train.length).toFixed(4)}`);
console.log(`::output rows=${train.length}`);
console.log(`::output test_rows=${test.length}`);
console.log('::output file=samples.json');
