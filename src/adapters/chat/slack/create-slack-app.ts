import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type BlockAction,
  type CustomRoute,
  HTTPReceiver,
  type Receiver,
  type Logger as SlackLogger,
  SocketModeReceiver,
} from '@slack/bolt';
import { type Config, ConfigError } from '../../../config/env.ts';
import { ACTION_IDS, ACTIONS } from '../../../core/actions.ts';
import type { Reply } from '../../../core/reply.ts';
import { codeText, sentence } from '../../../core/sentence.ts';
import type { ChatHandlers, Requester } from '../../../ports/chat.ts';
import type { Metrics } from '../../../ports/metrics.ts';
import type { Logger } from '../../../shared/log.ts';
import { RecentKeys } from '../../../shared/recent-keys.ts';
import { boltLogger } from './bolt-logger.ts';
import type { Budget } from './budget-window.ts';
import { LeanTransport } from './lean-transport.ts';
import { OutboundQueue } from './OutboundQueue.ts';
import { SlackChat, type SlackInbound } from './SlackChat.ts';
import { UnansweredRequests } from './unanswered-requests.ts';
import { registerViewHandlers, requesterOfAction } from './view-handlers.ts';
import { createWebClient } from './web-client.ts';

/** Slack retries a delivery for up to a few minutes; remember deliveries a while longer. */
const DELIVERY_MEMORY_MS = 15 * 60_000;
/** Two presses of the same button by the same person this close together are one press. */
const DOUBLE_CLICK_MS = 3_000;

export interface CreateSlackChatOptions {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Extra HTTP routes served beside Slack's (e.g. /healthz, /readyz, /metrics), Bolt customRoutes-shaped. */
  routes?: CustomRoute[];
  /** Interface to listen on in HTTP mode (default: all). Tests use 127.0.0.1. */
  host?: string;
  /**
   * HTTP mode: a port that already listens (the app's, serving /healthz from the very start).
   * The receiver's handler is mounted on it when the chat starts, instead of Bolt listening itself.
   */
  mount?: HttpMount;
  /** Per-method budget overrides for the outbound queue. */
  budgets?: Record<string, Budget>;
  cardUpdateIntervalMs?: number;
}

/**
 * The Slack chat: a Bolt 5 app receiving `/train` and button presses (HTTP on PORT with
 * signature verification, or Socket Mode when SLACK_APP_TOKEN is set) and a SlackChat
 * sending everything through one OutboundQueue. Needs config.slack.botToken, plus the
 * signing secret in HTTP mode.
 */
export async function createSlackChat(opts: CreateSlackChatOptions): Promise<SlackChat> {
  const { config, log } = opts;
  const { botToken, signingSecret, appToken, apiUrl } = config.slack;
  if (!botToken)
    throw new ConfigError('SLACK_BOT_TOKEN is needed to talk to Slack; set it to the xoxb- token.');
  if (!appToken && !signingSecret) {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET is needed for Slack over HTTP; set it, or set SLACK_APP_TOKEN to use Socket Mode.',
    );
  }
  // The hot chat methods and response_url answers go through the lean transport (issue 11).
  const webLog = log.child({ component: 'slack-web' });
  const lean = new LeanTransport(botToken, apiUrl, webLog);
  const web = createWebClient(botToken, apiUrl, boltLogger(webLog), lean);
  const queue = new OutboundQueue({
    log: log.child({ component: 'slack-queue' }),
    metrics: opts.metrics,
    budgets: opts.budgets,
  });
  const inbound = createSlackApp({
    config,
    log,
    routes: opts.routes ?? [],
    host: opts.host,
    mount: opts.mount,
    metrics: opts.metrics,
  });
  return new SlackChat({
    web,
    queue,
    log,
    inbound,
    cardUpdateIntervalMs: opts.cardUpdateIntervalMs,
    respond: (url, message) => lean.respond(url, message),
  });
}

/** A listening HTTP port that takes a handler for the paths it does not serve itself. */
export interface HttpMount {
  readonly server: Server;
  readonly port: number;
  mount(handler: RequestListener): void;
  unmount(): void;
}

interface SlackAppOptions {
  config: Config;
  log: Logger;
  metrics: Metrics;
  routes: CustomRoute[];
  host?: string;
  mount?: HttpMount;
}

/** The Bolt app: acks at once, drops repeated deliveries, then hands the work to the handlers. */
function createSlackApp(opts: SlackAppOptions): SlackInbound {
  const { config, log } = opts;
  const { botToken, signingSecret, appToken, apiUrl } = config.slack;
  const logger = boltLogger(log.child({ component: 'bolt' }));
  const connection = socketModeWatch(log, apiUrl);
  const receiver: Receiver = appToken
    ? new SocketModeReceiver({
        appToken,
        logger: connection.watching(logger),
        customRoutes: opts.routes,
        // `port` serves the custom routes; clientOptions point apps.connections.open at SLACK_API_URL too.
        installerOptions: { port: config.port, clientOptions: { slackApiUrl: apiUrl } },
      })
    : new HTTPReceiver({
        signingSecret: signingSecret ?? '',
        signatureVerification: true,
        endpoints: '/slack/events',
        customRoutes: opts.routes,
        logger,
      });
  // HTTP mode on the app's port: the receiver's handler is mounted there instead of listening.
  const mounted = opts.mount && receiver instanceof HTTPReceiver ? { on: opts.mount, receiver } : undefined;
  const app = new App({
    receiver,
    logger,
    clientOptions: { slackApiUrl: apiUrl },
    // A fixed token: no auth.test per event (Bolt's lazy token check would call it on every delivery).
    authorize: async () => ({ botToken }),
  });

  const unanswered = new UnansweredRequests();
  const deliveries = new RecentKeys(DELIVERY_MEMORY_MS);
  const presses = new RecentKeys(DOUBLE_CLICK_MS);
  const acks = opts.metrics.histogram(
    'trainyard_slack_ack_seconds',
    'Time from receiving a Slack delivery to its ack',
  );
  const repeats = opts.metrics.counter(
    'trainyard_slack_repeated_deliveries_total',
    'Slack deliveries dropped as repeats',
    ['kind'],
  );

  const timedAck = async (ack: () => Promise<void>, received = performance.now()) => {
    await ack();
    acks.observe((performance.now() - received) / 1000);
  };

  // Set by start(): the receiver only listens from then on, so every delivery finds them.
  let door: { handlers: ChatHandlers; answer: Answer } | undefined;

  /** Runs a handler after the ack; a failure is logged and the asker told in one sentence. */
  const work = (from: Requester, what: string, fn: (h: ChatHandlers) => Promise<unknown>) => {
    if (!door) return;
    const { answer } = door;
    fn(door.handlers).catch((err: unknown) => {
      log.error('slack handler failed', { what, err });
      void answer(from, {
        kind: 'error',
        text: 'Something went wrong on Trainyard’s side; nothing was changed and the details are in its log.',
      });
    });
  };

  app.command(/.*/, async ({ command, ack }) => {
    await timedAck(ack);
    // A retried delivery carries the same trigger_id: answer it once, launch once.
    if (!deliveries.firstTime(`command:${command.trigger_id}`)) {
      repeats.inc({ kind: 'command' });
      return;
    }
    const from: Requester = {
      user: command.user_id,
      channel: command.channel_id,
      replyTo: command.response_url,
      // `/train new` opens a form with it.
      trigger: command.trigger_id,
    };
    work(from, 'command', (h) => h.command(command.text ?? '', from, command.trigger_id));
  });

  app.action<BlockAction>(/.*/, async ({ action, body, ack }) => {
    await timedAck(ack);
    if (body.type !== 'block_actions') return;
    // Buttons carry a value; the one select Trainyard listens to is /train new's template picker.
    const picked = action.type === 'static_select' && action.action_id === ACTIONS.pickTemplate;
    if (action.type !== 'button' && !picked) return;
    const value =
      (action.type === 'button' ? action.value : picked ? action.selected_option?.value : '') ?? '';
    const from = requesterOfAction(body);
    const { user } = from;
    const key = `${action.action_ts}:${user}:${value}`;
    if (
      !deliveries.firstTime(`action:${key}`) ||
      // Choosing templates back and forth is not a double click.
      (!picked && !presses.firstTime(`${user}:${action.action_id}:${value}`))
    ) {
      repeats.inc({ kind: 'action' });
      return;
    }
    if (!ACTION_IDS.has(action.action_id)) {
      void door?.answer(from, {
        kind: 'info',
        text: sentence`That button belongs to an older version of Trainyard; use ${codeText('/train help')} to see what you can do now.`,
      });
      return;
    }
    work(from, action.action_id, (h) => h.action(action.action_id, value, from, key));
  });

  registerViewHandlers(app, { log, door: () => door?.handlers, deliveries, timedAck });

  app.error(async (err) => {
    log.error('slack delivery failed', { err });
  });

  return {
    async start(handlers, answer) {
      door = { handlers, answer };
      if (appToken) {
        connection.connecting();
        await app.start();
        connection.settled();
        log.info('slack connected in socket mode', { healthPort: config.port });
        return config.port;
      }
      if (mounted) {
        // Signature checks and acks are the receiver's own; only the listening is the app's.
        mounted.on.mount(mounted.receiver.requestListener);
        unanswered.watch(mounted.on.server);
        log.info('slack listening for events', { port: mounted.on.port, path: '/slack/events' });
        return mounted.on.port;
      }
      const server = (await app.start({ port: config.port, host: opts.host })) as Server;
      unanswered.watch(server);
      const port = (server.address() as AddressInfo).port;
      log.info('slack listening for events', { port, path: '/slack/events' });
      return port;
    },
    busy: () => unanswered.busy,
    async stop() {
      connection.settled();
      // Never started (a shutdown during start-up): there is nothing to stop.
      if (!door) return;
      if (mounted) mounted.on.unmount();
      else await app.stop();
    },
  };
}

type Answer = (to: Requester, reply: Reply) => Promise<void>;

/**
 * Watches Bolt's Socket Mode client while it connects: the first failure it logs then (Slack
 * unreachable, a proxy refusing) is told once, in one sentence naming what cannot be reached,
 * while the client keeps retrying.
 */
function socketModeWatch(log: Logger, apiUrl: string) {
  let connecting = false;
  const tell = (reason: unknown[]) => {
    if (!connecting) return;
    connecting = false;
    log.warn(`Slack cannot be reached at ${apiUrl}: Socket Mode is not connected; still trying`, {
      reason: reason.map(String).join(' '),
    });
  };
  return {
    watching: (logger: SlackLogger): SlackLogger => ({
      ...logger,
      warn: (...msg) => {
        tell(msg);
        logger.warn(...msg);
      },
      error: (...msg) => {
        tell(msg);
        logger.error(...msg);
      },
    }),
    /** From now until connected (or stopped), a failure means Slack cannot be reached. */
    connecting: () => {
      connecting = true;
    },
    settled: () => {
      connecting = false;
    },
  };
}
