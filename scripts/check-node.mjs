// CI's first check (.ci/run): the Node running the tests is the one package.json's `engines` allows
// and the image ships (deploy/Dockerfile's NODE_VERSION), so what is tested is what runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
const floor = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(engines);
const image = /^ARG NODE_VERSION=(\d+)\.(\d+)/m.exec(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8'));
const [major, minor] = process.versions.node.split('.').map(Number);

const problems = [];
if (!floor) problems.push(`package.json engines.node is "${engines}"; this check understands ">=X.Y" only.`);
else if (major < Number(floor[1]) || (major === Number(floor[1]) && minor < Number(floor[2])))
  problems.push(`Node ${process.versions.node} is older than package.json's engines (${engines}).`);
if (!image) problems.push('deploy/Dockerfile has no `ARG NODE_VERSION=<major>.<minor>` line.');
else if (Number(image[1]) !== major)
  problems.push(
    `The tests run on Node ${process.versions.node} but the image ships Node ${image[1]}.${image[2]}; set deploy/Dockerfile's NODE_VERSION to ${major}.${minor}.`,
  );
for (const p of problems) console.error(p);
if (problems.length) process.exit(1);
console.log(`Node ${process.versions.node}: engines ${engines}, image node:${image[1]}.${image[2]}.`);
