import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Why these checks cannot run here (they read Linux's /proc), or undefined. */
export function procNetUnavailable(): string | undefined {
  try {
    readFileSync('/proc/net/tcp', 'utf8');
    return undefined;
  } catch {
    return 'skipped: /proc/net/tcp cannot be read (the listening-address checks need Linux)';
  }
}

/** `0100007F:1F90` → `127.0.0.1:8080`; IPv6 as its 8 groups (`::` when all zero). */
function decode(hex: string): string {
  const [address, port] = hex.split(':');
  const portNumber = Number.parseInt(port, 16);
  // /proc writes each 32-bit word in the host's (little-endian) byte order.
  const words = address.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return `${bytes.join('.')}:${portNumber}`;
  if (bytes.every((b) => b === 0)) return `[::]:${portNumber}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `[${groups.join(':')}]:${portNumber}`;
}

/**
 * The TCP addresses process `pid` listens on, e.g. `127.0.0.1:41234` or `[::]:3000`: its socket
 * inodes (from /proc/<pid>/fd) looked up in /proc/net/tcp and tcp6.
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 here
    }
    for (const row of text.trim().split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // cols: sl, local, remote, state (0A = LISTEN), ..., inode at 9
      if (cols[3] === '0A' && inodes.has(cols[9])) found.push(decode(cols[1]));
    }
  }
  return found;
}
