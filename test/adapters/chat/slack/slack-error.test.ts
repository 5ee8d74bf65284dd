import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySlackError, HttpStatusError } from '../../../../src/adapters/chat/slack/slack-error.ts';

describe('classifySlackError', () => {
  it('reads the web-api error shapes', () => {
    assert.deepEqual(classifySlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 }), {
      kind: 'rate-limited',
      retryAfterMs: 7000,
    });
    assert.deepEqual(
      classifySlackError({ code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } }),
      {
        kind: 'permanent',
        reason: 'not_in_channel',
      },
    );
    assert.equal(
      classifySlackError({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }).kind,
      'transient',
    );
    assert.equal(classifySlackError({ code: 'slack_webapi_http_error', statusCode: 502 }).kind, 'transient');
    assert.equal(classifySlackError({ code: 'slack_webapi_http_error', statusCode: 404 }).kind, 'permanent');
    assert.equal(classifySlackError({ code: 'slack_webapi_request_error' }).kind, 'transient');
  });

  it('reads plain HTTP answers from response_urls and treats unknown errors as permanent', () => {
    assert.deepEqual(classifySlackError(new HttpStatusError(429, 2000)), {
      kind: 'rate-limited',
      retryAfterMs: 2000,
    });
    assert.equal(classifySlackError(new HttpStatusError(503)).kind, 'transient');
    assert.equal(classifySlackError(new HttpStatusError(404)).kind, 'permanent');
    assert.equal(classifySlackError(new TypeError('fetch failed')).kind, 'transient');
    assert.equal(classifySlackError(new RangeError('bug')).kind, 'permanent');
  });
});
