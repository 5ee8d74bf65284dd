import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Budget } from '../../src/adapters/chat/slack/budget-window.ts';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/env.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { FakeSlackApi, type RecordedCall } from './slack-api.ts';
import type { SlackView } from './slack-requests.ts';
import { FakeSocketMode } from './slack-socket-mode.ts';

const ROOT = join(import.meta.dirname, '../..');
export const SECRET = 'ui-signing-secret';
export const TOKEN = 'xoxb-ui';

/** Budgets wide enough that no test waits on Slack's per-minute pacing (budgets are tested elsewhere). */
const ROOMY: Budget = { limit: 10_000, windowMs: 60_000, scope: 'workspace' };
const ROOMY_BUDGETS: Record<string, Budget> = Object.fromEntries(
  [
    'chat.postMessage',
    'chat.update',
    'chat.postEphemeral',
    'files.uploadV2',
    'response_url',
    'views.publish',
  ].map((m) => [m, ROOMY]),
);

export interface SlackUiWorldOptions {
  /** Socket Mode instead of the HTTP receiver. */
  socketMode?: boolean;
  /** Templates beside `demo`, by name: YAML text (their folder is demo's, so `node train.mjs` runs). */
  templates?: Record<string, string>;
  /** A policy file's YAML. */
  policy?: string;
  homeRefreshMs?: number;
  /** Per-method budgets (default: wide, so pacing never slows a test). */
  budgets?: Record<string, Budget>;
}

/**
 * The whole bot in this process with the real Slack chat: the real Bolt app behind its HTTP
 * receiver (signature checks on) or Socket Mode, talking to the loopback fake Slack, running the
 * shipped `demo` template as local processes.
 */
export class SlackUiWorld {
  private constructor(
    readonly fake: FakeSlackApi,
    readonly app: App,
    readonly dir: string,
    /** `/slack/events` of the HTTP receiver. */
    readonly events: string,
    readonly socket?: FakeSocketMode,
  ) {}

  static async start(opts: SlackUiWorldOptions = {}): Promise<SlackUiWorld> {
    const fake = await FakeSlackApi.start({ token: TOKEN });
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-ui-'));
    const templates = join(dir, 'templates');
    mkdirSync(templates);
    copyFileSync(join(ROOT, 'manifests/demo.yaml'), join(templates, 'demo.yaml'));
    for (const name of ['demo', ...Object.keys(opts.templates ?? {})]) {
      symlinkSync(join(ROOT, 'manifests/demo'), join(templates, name));
    }
    for (const [name, yaml] of Object.entries(opts.templates ?? {}))
      writeFileSync(join(templates, `${name}.yaml`), yaml);
    const env: Record<string, string> = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      TRAINYARD_RUNTIME: 'process',
      TRAINYARD_DATA: join(dir, 'data'),
      TRAINYARD_TEMPLATES: templates,
      PATH: process.env.PATH ?? '',
    };
    let socket: FakeSocketMode | undefined;
    if (opts.socketMode) {
      socket = await FakeSocketMode.start();
      fake.socketModeUrl = socket.url;
      env.SLACK_APP_TOKEN = 'xapp-ui';
    } else {
      env.SLACK_SIGNING_SECRET = SECRET;
    }
    if (opts.policy) {
      writeFileSync(join(dir, 'policy.yaml'), opts.policy);
      env.TRAINYARD_CONFIG = join(dir, 'policy.yaml');
    }
    const app = await createApp({
      config: loadConfig(env, ROOT),
      log: silentLogger,
      env,
      chat: 'slack',
      http: true,
      slackBudgets: opts.budgets ?? ROOMY_BUDGETS,
      homeRefreshMs: opts.homeRefreshMs,
    });
    await app.start();
    if (socket) await socket.connected();
    const port = (app.chat as SlackChat).listeningPort;
    return new SlackUiWorld(fake, app, dir, `http://127.0.0.1:${port}/slack/events`, socket);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.socket?.close();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Resolves once a recorded call matches; fails after `ms`. */
  async call(what: string, match: (c: RecordedCall) => boolean, ms = 30_000): Promise<RecordedCall> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    });
    try {
      await Promise.race([this.fake.waitFor(() => this.fake.calls.some(match)), late]);
    } finally {
      clearTimeout(timer);
    }
    return this.fake.calls.find(match) as RecordedCall;
  }

  /** The latest view a views.open/update/publish call sent, as Slack hands it back (with its id and hash). */
  viewOf(call: RecordedCall): SlackView & { type: 'modal' | 'home' } {
    const view = call.args.view as Record<string, unknown>;
    const id =
      call.method === 'views.update'
        ? String(call.args.view_id)
        : call.method === 'views.publish'
          ? `VH${String(call.args.user_id)}`
          : [...this.fake.views.entries()].find(([, v]) => v.view === view)?.[0];
    const kept = id ? this.fake.views.get(id) : undefined;
    if (!id || !kept) throw new Error(`no view kept for that ${call.method}`);
    return { ...(kept.view as object), id, hash: kept.hash } as SlackView & { type: 'modal' | 'home' };
  }
}
