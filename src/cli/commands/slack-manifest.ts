import { stringify } from 'yaml';
import { USAGE } from '../../core/command/usage.ts';
import type { CliIo } from '../io.ts';

/**
 * Bot scopes, each for something Trainyard does: `commands` for /train; `chat:write` for
 * cards, updates, notices and ephemeral answers; `chat:write.public` to post cards in public
 * channels without being invited first; `files:write` to upload a finished run's log and chart.
 * Forms and the Home tab (views.open, views.update, views.publish, the app_home_opened event) need
 * no scope of their own.
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write'] as const;

/** Slack shows this beside /train as people type; the full list is `/train help` (from USAGE). */
const USAGE_HINT = `${(USAGE.find((u) => u.verb === 'launch')?.usage ?? '').replace(/^\/train /, '')} | help`;

const EVENTS_PATH = '/slack/events';

/**
 * The request URL Slack should call, from what the operator gave: the bot's public base URL
 * (`https://bot.example.com`, also under a path prefix) or the full events URL, never doubled.
 * Undefined when it is not an https URL Slack can call.
 */
export function eventsUrl(given: string): string | undefined {
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (url?.protocol !== 'https:' || url.search || url.hash || url.username || url.password) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith(EVENTS_PATH) ? path : `${path}${EVENTS_PATH}`}`;
}

/** The Slack app manifest: Socket Mode unless `events` (the public request URL) is given. */
export function slackManifest(events?: string): Record<string, unknown> {
  return {
    display_information: {
      name: 'Trainyard',
      description: 'Launch and watch ML training jobs from Slack',
      long_description:
        'Trainyard turns `/train <template> name=value ...` into a training job on Kubernetes, keeps a live run card in the channel (status, progress, metrics), shares logs on request and mentions you when the run ends, with a chart of its metrics. Stop and Rerun buttons sit on every card; forms launch and rerun with changes, and the Home tab shows your runs, results, schedules and templates.',
      background_color: '#2c3e50',
    },
    features: {
      // The Home tab shows each person their runs, results, schedules and templates; the Messages
      // tab stays as Slack has it by default.
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: 'trainyard', always_online: true },
      slash_commands: [
        {
          command: '/train',
          ...(events ? { url: events } : {}),
          description: 'Launch, watch, stop and schedule training runs',
          usage_hint: USAGE_HINT,
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      // Opening the Home tab is an event: Trainyard publishes the tab then.
      event_subscriptions: { ...(events ? { request_url: events } : {}), bot_events: ['app_home_opened'] },
      interactivity: { is_enabled: true, ...(events ? { request_url: events } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !events,
      token_rotation_enabled: false,
    },
  };
}

const COMMAND_USAGE = 'Usage: trainyard slack-manifest [--http <https://bot.example.com>]';

/** `trainyard slack-manifest [--http <url>]`: prints the manifest YAML to paste into api.slack.com. */
export async function run(args: string[], io: CliIo): Promise<number> {
  let httpUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--http' && args[i + 1] !== undefined) {
      httpUrl = args[++i];
    } else if (arg.startsWith('--http=')) {
      httpUrl = arg.slice('--http='.length);
    } else if (arg === '-h' || arg === '--help') {
      io.stdout(`${COMMAND_USAGE}\n`);
      return 0;
    } else {
      io.stderr(`Unexpected argument "${arg}"; ${COMMAND_USAGE.toLowerCase().replace('usage: ', 'use ')}.\n`);
      return 2;
    }
  }
  const events = httpUrl === undefined ? undefined : eventsUrl(httpUrl);
  if (httpUrl !== undefined && events === undefined) {
    io.stderr(
      `--http needs the bot's public https address (Slack calls only https), such as https://trainyard.example.com or https://trainyard.example.com/slack/events, not "${httpUrl}".\n`,
    );
    return 2;
  }
  io.stdout(stringify(slackManifest(events), { lineWidth: 0 }));
  return 0;
}
