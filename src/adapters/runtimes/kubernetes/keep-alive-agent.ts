import http from 'node:http';
import https from 'node:https';

/** Connections kept to the API server at most; more calls at once wait for one (creates take milliseconds). */
const MAX_SOCKETS = 16;

/** The agent settings that decide which server a connection may be reused for, and how it is trusted. */
const TLS_FIELDS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'secureProtocol',
] as const;

type AgentSettings = Record<string, unknown>;

/**
 * One keep-alive agent for every plain Kubernetes call. client-node 1.4 builds a new http(s).Agent
 * for each request (`KubeConfig.createAgent`, from `applySecurityAuthentication`), and a new agent
 * means a new connection: on a real cluster a TCP and TLS handshake per Job created. `agentFor`
 * swaps that agent for a shared keep-alive one built with the same settings (CA, client
 * certificate, server name, verification), made again only if those settings change (an exec
 * plugin that hands out a new certificate). Proxy agents are kept as client-node made them.
 * Credentials that travel as headers (tokens) are not the agent's business: they are set per request.
 */
export class KeepAliveAgents {
  private current: { key: string; agent: http.Agent } | undefined;

  /** `maxSockets`: connections at most (log streams each hold one for as long as they follow). */
  constructor(private readonly maxSockets = MAX_SOCKETS) {}

  /** The shared agent to use instead of the one client-node made for a call (that one when it is a proxy's). */
  agentFor<A extends http.Agent>(made: A): A | http.Agent {
    // Exactly Node's own agents: a proxy agent (a subclass) is kept as it is.
    const isHttps = made.constructor === https.Agent;
    if (!isHttps && made.constructor !== http.Agent) return made;
    const settings = (made as http.Agent & { options: AgentSettings }).options;
    const key = `${isHttps ? 'https' : 'http'}|${settingsKey(settings)}`;
    if (this.current?.key !== key) {
      // Settings changed: new connections from now on. The old agent's idle connections close
      // now; calls still under way on it finish there.
      if (this.current) closeIdle(this.current.agent);
      const options = { ...pick(settings), keepAlive: true, maxSockets: this.maxSockets };
      this.current = { key, agent: isHttps ? new https.Agent(options) : new http.Agent(options) };
    }
    return this.current.agent;
  }

  /** Closes the idle connections (at shutdown); calls still under way finish. */
  close(): void {
    if (this.current) closeIdle(this.current.agent);
  }
}

/** Idle keep-alive connections are closed; the agent stays usable. */
function closeIdle(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) socket.destroy();
}

function pick(settings: AgentSettings): AgentSettings {
  const picked: AgentSettings = {};
  for (const field of TLS_FIELDS) if (settings[field] !== undefined) picked[field] = settings[field];
  return picked;
}

function settingsKey(settings: AgentSettings): string {
  return TLS_FIELDS.map((field) => {
    const value = settings[field];
    if (value === undefined) return '';
    if (Buffer.isBuffer(value)) return value.toString('base64');
    return typeof value === 'string' ? value : JSON.stringify(value);
  }).join('|');
}
