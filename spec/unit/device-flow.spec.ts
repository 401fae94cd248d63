import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { pollDeviceCode, requestDeviceCode, DeviceCodeError, InputError, OAuthError, ResponseError } from '../../lib/index.js';
import { pollOnce } from '../../lib/grants/device-code.js';
import type { DeviceCode, PendingInfo, PollDeviceCodeOptions } from '../../lib/index.js';
import { mockTransport } from '../support/msw.js';
import { fakeClock, type FakeClock } from '../support/clock.js';
import { ACCESS_TOKEN, CLIENT_ID, DEVICE_CODE, RESOURCE, deviceCodeBody, errorBody, ests, rejects, tokenBody } from '../support/aad.js';


const PENDING = () => ests(errorBody('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'), 400);
const SLOW_DOWN = () => ests({ error: 'slow_down', error_description: 'Polling too fast.' }, 400);
const BAD_CODE = () => ests(errorBody('bad_verification_code', 70018, 'Invalid verification code entered.'), 400);
const SUCCESS = () => ests(tokenBody());

/** A device code as requestDeviceCode() returns it, issued at the fake clock's now. */
async function issue(clock: FakeClock, body: Record<string, unknown> = {}): Promise<DeviceCode> {
  const m = mockTransport(
    http.post('*/:tenant/oauth2/devicecode', () => ests(deviceCodeBody(body))),
  );
  return requestDeviceCode({ clientId: CLIENT_ID, resource: RESOURCE, fetch: m.fetch, clock });
}

/** The token endpoint answering each poll in turn (the last answer repeats). */
function poller(...answers: Array<() => Response>) {
  let calls = 0;
  return mockTransport(http.post('*/:tenant/oauth2/token', () => answers[Math.min(calls++, answers.length - 1)]!()));
}

async function setup(answers: Array<() => Response>, extra: Partial<PollDeviceCodeOptions> = {}, body: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const code = await issue(clock, body);
  const m = poller(...answers);
  const pending: PendingInfo[] = [];
  const promise = pollDeviceCode(code, { fetch: m.fetch, clock, onPending: (info) => pending.push(info), ...extra });
  return { clock, code, m, pending, promise };
}

describe('pollDeviceCode()', () => {
  it('waits the interval before each poll: pending, pending, success', async () => {
    const { clock, m, pending, promise } = await setup([PENDING, PENDING, SUCCESS]);
    const token = await promise;
    assert.equal(token.accessToken, ACCESS_TOKEN);
    assert.equal(m.requests.length, 3);
    assert.deepEqual(clock.sleeps, [5000, 5000, 5000]);
    assert.deepEqual(
      pending.map((p) => [p.polls, p.error, p.interval]),
      [
        [1, 'authorization_pending', 5],
        [2, 'authorization_pending', 5],
      ],
    );
  });

  it('polls in the v1 dialect with the code in `code`', async () => {
    const { m, promise } = await setup([SUCCESS]);
    await promise;
    assert.deepEqual(Object.fromEntries(m.requests[0]!.form), { grant_type: 'device_code', client_id: CLIENT_ID, resource: RESOURCE, code: DEVICE_CODE });
  });

  it('uses the interval the server gave', async () => {
    const { clock, promise } = await setup([PENDING, SUCCESS], {}, { interval: '7' });
    await promise;
    assert.deepEqual(clock.sleeps, [7000, 7000]);
  });

  it('adds 5 s to the interval on slow_down, for this and all later polls', async () => {
    const { clock, pending, promise } = await setup([PENDING, SLOW_DOWN, PENDING, SUCCESS]);
    await promise;
    assert.deepEqual(clock.sleeps, [5000, 5000, 10_000, 10_000]);
    assert.deepEqual(
      pending.map((p) => p.interval),
      [5, 10, 10],
    );
  });

  it('keeps polling after bad_verification_code', async () => {
    const { m, pending, promise } = await setup([BAD_CODE, SUCCESS]);
    await promise;
    assert.equal(m.requests.length, 2);
    assert.equal(pending[0]?.error, 'bad_verification_code');
  });

  it('keeps polling on a "keep waiting" error sent with another status than 400', async () => {
    const { m, pending, promise } = await setup([() => ests(errorBody('authorization_pending', 70016, 'Authorization is pending.'), 401), SUCCESS]);
    await promise;
    assert.equal(m.requests.length, 2);
    assert.equal(pending[0]?.error, 'authorization_pending');
  });

  it('refuses a 400 "authorization_pending" whose body breaks the OAuth error schema', async () => {
    const { m, promise } = await setup([() => ests({ error: 'authorization_pending', error_codes: 'not-a-list' }, 400)]);
    await rejects(promise, { class: ResponseError, code: 'ERR_UNEXPECTED_STATUS' });
    assert.equal(m.requests.length, 1);
  });

  it('tells onPending how many seconds are left', async () => {
    const { pending, promise } = await setup([PENDING, PENDING, SUCCESS], { timeoutSeconds: 30 });
    await promise;
    assert.deepEqual(
      pending.map((p) => p.secondsLeft),
      [25, 20],
    );
  });

  for (const [error, code, aadsts] of [
    ['code_expired', 70019, 'Verification code expired.'],
    ['expired_token', 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."],
  ] as const) {
    it(`stops with ERR_DEVICE_CODE_EXPIRED on ${error}`, async () => {
      const { m, promise } = await setup([PENDING, () => ests(errorBody(error, code, aadsts), 400)]);
      const failure = await rejects<DeviceCodeError>(promise, {
        class: DeviceCodeError,
        code: 'ERR_DEVICE_CODE_EXPIRED',
        message: 'The device code expired before sign-in finished; start a new device-code sign-in.',
      });
      assert.ok(failure.cause instanceof OAuthError);
      assert.equal(failure.cause.error, error);
      assert.equal(failure.cause.aadsts, `AADSTS${code}`);
      assert.equal(m.requests.length, 2);
    });
  }

  for (const error of ['authorization_declined', 'access_denied']) {
    it(`stops with ERR_DEVICE_CODE_DECLINED on ${error}`, async () => {
      const { m, promise } = await setup([() => ests({ error, error_description: 'AADSTS65004: User declined to consent to access the app.', error_codes: [65004] }, 400)]);
      const failure = await rejects<DeviceCodeError>(promise, {
        class: DeviceCodeError,
        code: 'ERR_DEVICE_CODE_DECLINED',
        message: 'The sign-in was declined at the verification page.',
      });
      assert.ok(failure.cause instanceof OAuthError);
      assert.equal(failure.cause.error, error);
      assert.equal(m.requests.length, 1);
    });
  }

  it('throws any other OAuth error as it is (invalid_client)', async () => {
    const { m, promise } = await setup([
      PENDING,
      () => ests(errorBody('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."), 401),
    ]);
    const error = await rejects<OAuthError>(promise, {
      class: OAuthError,
      code: 'ERR_OAUTH',
      message: "invalid_client (AADSTS7000218): The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    });
    assert.equal(error.status, 401);
    assert.equal(m.requests.length, 2);
  });

  it('throws a non-OAuth failure as it is (HTML 502 after one retry)', async () => {
    const { promise } = await setup([() => new HttpResponse('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } })]);
    await rejects(promise, { class: Error, code: 'ERR_UNEXPECTED_STATUS' });
  });

  it('times out at timeoutSeconds when that comes before the code expiry (ERR_DEVICE_CODE_TIMEOUT)', async () => {
    const { clock, m, promise } = await setup([PENDING], { timeoutSeconds: 30 });
    await rejects(promise, {
      class: DeviceCodeError,
      code: 'ERR_DEVICE_CODE_TIMEOUT',
      message: 'Nobody finished the device-code sign-in within 30 s (timeoutSeconds).',
    });
    assert.ok(m.requests.length <= 7, `${m.requests.length} polls in 30 s`);
    assert.equal(m.requests.length, 6);
    assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), 30_000);
  });

  it('stops at the code expiry when that comes before timeoutSeconds (ERR_DEVICE_CODE_EXPIRED)', async () => {
    const { clock, m, promise } = await setup([PENDING], { timeoutSeconds: 300 }, { expires_in: '12' });
    const error = await rejects(promise, {
      class: DeviceCodeError,
      code: 'ERR_DEVICE_CODE_EXPIRED',
      message: 'The device code expired before sign-in finished; start a new device-code sign-in.',
    });
    assert.equal(error.cause, undefined);
    assert.deepEqual(clock.sleeps, [5000, 5000, 2000]);
    assert.equal(m.requests.length, 3);
  });

  it('defaults timeoutSeconds to 300', async () => {
    const { clock, promise } = await setup([PENDING]);
    await rejects(promise, { class: DeviceCodeError, code: 'ERR_DEVICE_CODE_TIMEOUT', message: 'Nobody finished the device-code sign-in within 300 s (timeoutSeconds).' });
    assert.equal(clock.sleeps.length, 60);
  });

  it('does not poll a code that already expired', async () => {
    const clock = fakeClock();
    const code = await issue(clock);
    clock.advance(901_000);
    const m = poller(SUCCESS);
    await rejects(pollDeviceCode(code, { fetch: m.fetch, clock }), { class: DeviceCodeError, code: 'ERR_DEVICE_CODE_EXPIRED' });
    assert.equal(m.requests.length, 0);
  });

  it('is cancelled when the signal fires between polls (ERR_DEVICE_CODE_CANCELLED)', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const code = await issue(clock);
    const m = poller(PENDING);
    const promise = pollDeviceCode(code, { fetch: m.fetch, clock, signal: controller.signal, onPending: () => controller.abort() });
    await rejects(promise, { class: DeviceCodeError, code: 'ERR_DEVICE_CODE_CANCELLED', message: 'Device-code sign-in was cancelled.' });
    assert.equal(m.requests.length, 1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const clock = fakeClock();
    const code = await issue(clock);
    const m = poller(SUCCESS);
    await rejects(pollDeviceCode(code, { fetch: m.fetch, clock, signal: AbortSignal.abort() }), { class: DeviceCodeError, code: 'ERR_DEVICE_CODE_CANCELLED' });
    assert.equal(m.requests.length, 0);
  });

  it('rejects a bad timeoutSeconds and something that is not a device code', async () => {
    const clock = fakeClock();
    const code = await issue(clock);
    await rejects(pollDeviceCode(code, { clock, timeoutSeconds: 0 }), {
      class: InputError,
      code: 'ERR_INVALID_INPUT',
      message: 'timeoutSeconds must be a positive number of seconds.',
    });
    await rejects(pollDeviceCode({ deviceCode: '' } as DeviceCode, { clock }), {
      class: InputError,
      code: 'ERR_INVALID_INPUT',
      message: 'pollDeviceCode() needs the object requestDeviceCode() returned.',
    });
  });
});

describe('pollOnce()', () => {
  it('answers "keep waiting" as a value, the token as a token, and throws any other refusal', async () => {
    const clock = fakeClock();
    const code = await issue(clock);
    const m = poller(PENDING, SLOW_DOWN, BAD_CODE, () => ests(errorBody('code_expired', 70019, 'Verification code expired.'), 400), SUCCESS);
    const once = () => pollOnce(code, { fetch: m.fetch, clock });
    assert.deepEqual(await once(), { waiting: 'authorization_pending' });
    assert.deepEqual(await once(), { waiting: 'slow_down' });
    assert.deepEqual(await once(), { waiting: 'bad_verification_code' });
    await rejects<OAuthError>(once(), { class: OAuthError, code: 'ERR_OAUTH' });
    const token = await once();
    assert.ok(!('waiting' in token));
    assert.equal(token.accessToken, ACCESS_TOKEN);
  });
});
