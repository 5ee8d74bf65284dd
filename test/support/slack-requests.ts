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
    trigger_id: `trig-${f.actionTs}`,
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
