/**
 * Nothing committed may look like a real Slack credential: secret scanners (and people) cannot
 * tell a realistic fake from a leak. Test tokens say what they are (`xoxb-not-a-real-token-…`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');

// Real shapes: bot/user tokens carry numeric team and user ids, app tokens `xapp-1-A…-digits-hex`,
// webhooks a team id after /services/.
const REAL_LOOKING = [
  /xox[abposr]-\d{6,}-/,
  /xapp-\d-[A-Z0-9]{6,}-\d{6,}-/,
  /hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\//,
];

it('no tracked file holds something shaped like a real Slack token or webhook', (t) => {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  } catch {
    t.skip('not a git checkout');
    return;
  }
  const found: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // a file deleted in the working tree
    }
    for (const pattern of REAL_LOOKING) {
      const match = pattern.exec(text);
      if (match) found.push(`${file}: ${match[0]}…`);
    }
  }
  assert.deepEqual(found, []);
});
