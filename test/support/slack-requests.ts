import { createHmac } from 'node:crypto';

/** Signs a request body the way Slack does (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  secret: string;
  /** Seconds since epoch; defaults to now. */
  timestamp?: number;
  /** Sent as X-Slack-Retry-Num, as Slack does when it retries a delivery. */
  retryNum?: number;
  /** Replace the signature (to test rejection). */
  signature?: string;
}

/** The body and headers of a form POST signed like Slack signs it. */
export function signedRequest(form: Record<string, string>, opts: SendOptions) {
  const body = new URLSearchParams(form).toString();
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': opts.signature ?? slackSignature(opts.secret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return { body, headers };
}

/** POSTs a JSON body (an Events API delivery) to a Slack app's events endpoint, signed like Slack signs it. */
export async function sendSignedJson(url: string, json: unknown, opts: SendOptions): Promise<Response> {
  const body = JSON.stringify(json);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': opts.signature ?? slackSignature(opts.secret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}

/** POSTs a form body to a Slack app's events endpoint, signed like Slack signs it. */
export async function sendSigned(
  url: string,
  form: Record<string, string>,
  opts: SendOptions,
): Promise<Response> {
  const { body, headers } = signedRequest(form, opts);
  return fetch(url, { method: 'POST', headers, body });
}

/** The form fields of a `/train` slash command. */
export function slashCommand(
  text: string,
  f: { user?: string; channel?: string; triggerId: string; responseUrl: string },
) {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: f.channel ?? 'C1',
    channel_name: 'ml',
    user_id: f.user ?? 'U1',
    user_name: 'ada',
    command: '/train',
    text,
    api_app_id: 'A1',
    response_url: f.responseUrl,
    trigger_id: f.triggerId,
  };
}

/** The form fields of a button press on a message (block_actions). */
export function buttonPress(f: {
  actionId: string;
  value: string;
  user?: string;
  channel?: string;
  actionTs: string;
  responseUrl: string;
  triggerId?: string;
}) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'acme' },
    user: { id: f.user ?? 'U1', username: 'ada', name: 'ada', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: '1.000001',
      channel_id: f.channel ?? 'C1',
      is_ephemeral: false,
    },
    trigger_id: f.triggerId ?? `trig-${f.actionTs}`,
    channel: { id: f.channel ?? 'C1', name: 'ml' },
    message: { type: 'message', ts: '1.000001', text: 'card' },
    response_url: f.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: f.actionId,
        block_id: 'run:r-1',
        text: { type: 'plain_text', text: 'Stop' },
        value: f.value,
        action_ts: f.actionTs,
      },
    ],
  };
  return { payload: JSON.stringify(payload) };
}

/** A view as Slack hands it back in payloads: what views.open/update/publish sent, with its id and hash. */
export interface SlackView {
  id: string;
  hash: string;
  type?: string;
  callback_id?: string;
  private_metadata?: string;
  blocks?: unknown[];
}

type InputBlockJson = {
  type: string;
  block_id?: string;
  element?: { type: string; action_id: string; options?: { value: string }[] };
};

/**
 * `view.state.values` as Slack would send them for `view` with these inputs typed in: one entry per
 * input block, by block_id (`param:epochs`, `option:gpu`, `launch:channel`, `launch:template`), the
 * empty ones too, as Slack sends them. A value is what was typed or chosen; `true`/`false` ticks a
 * checkbox.
 */
export function formState(view: SlackView, typed: Record<string, string | boolean | undefined> = {}) {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const block of (view.blocks ?? []) as InputBlockJson[]) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const { type, action_id: actionId } = block.element;
    const given = typed[block.block_id];
    let state: Record<string, unknown>;
    switch (type) {
      case 'checkboxes':
        state = { type, selected_options: given === true || given === 'true' ? [{ value: 'true' }] : [] };
        break;
      case 'static_select':
        state = { type, selected_option: given === undefined ? null : { value: String(given) } };
        break;
      case 'conversations_select':
        state = { type, selected_conversation: given === undefined ? null : String(given) };
        break;
      default:
        state = { type, value: given === undefined ? null : String(given) };
    }
    values[block.block_id] = { [actionId]: state };
  }
  return values;
}

/** The form fields of a view_submission of `view` by `user`, with `values` as its state. */
export function viewSubmission(f: { user?: string; view: SlackView; values: ReturnType<typeof formState> }) {
  const payload = {
    type: 'view_submission',
    team: { id: 'T1', domain: 'acme' },
    user: { id: f.user ?? 'U1', username: 'ada', name: 'ada', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    trigger_id: `trig-submit-${f.view.id}`,
    view: {
      id: f.view.id,
      team_id: 'T1',
      type: 'modal',
      callback_id: f.view.callback_id ?? 'launch_form',
      private_metadata: f.view.private_metadata ?? '',
      hash: f.view.hash,
      blocks: f.view.blocks ?? [],
      state: { values: f.values },
      app_id: 'A1',
      bot_id: 'B1',
      title: { type: 'plain_text', text: 'Form' },
      close: null,
      submit: null,
      root_view_id: f.view.id,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
  };
  return { payload: JSON.stringify(payload) };
}

/** A block_actions from inside an open view: `/train new`'s template select, or a button in the Home tab. */
export function viewAction(f: {
  user?: string;
  view: SlackView & { type: 'modal' | 'home' };
  actionTs: string;
  triggerId?: string;
  action:
    | { type: 'static_select'; actionId: string; selected: string }
    | { type: 'button'; actionId: string; value: string };
  values?: ReturnType<typeof formState>;
}) {
  const { action } = f;
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'acme' },
    user: { id: f.user ?? 'U1', username: 'ada', name: 'ada', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: f.view.id },
    trigger_id: f.triggerId ?? `trig-${f.actionTs}`,
    view: {
      id: f.view.id,
      team_id: 'T1',
      type: f.view.type,
      callback_id: f.view.callback_id ?? '',
      private_metadata: f.view.private_metadata ?? '',
      hash: f.view.hash,
      blocks: f.view.blocks ?? [],
      state: { values: f.values ?? {} },
      app_id: 'A1',
      bot_id: 'B1',
    },
    actions: [
      action.type === 'static_select'
        ? {
            type: 'static_select',
            action_id: action.actionId,
            block_id: 'launch:template',
            selected_option: { text: { type: 'plain_text', text: action.selected }, value: action.selected },
            action_ts: f.actionTs,
          }
        : {
            type: 'button',
            action_id: action.actionId,
            block_id: 'home',
            text: { type: 'plain_text', text: 'Button' },
            value: action.value,
            action_ts: f.actionTs,
          },
    ],
  };
  return { payload: JSON.stringify(payload) };
}

/** The Events API body of `user` opening the app's Home tab. */
export function appHomeOpened(f: { user: string; eventId: string; tab?: 'home' | 'messages' }) {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: f.eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_home_opened',
      user: f.user,
      channel: `D${f.user}`,
      tab: f.tab ?? 'home',
      event_ts: `${Date.now() / 1000}`,
    },
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
  };
}
