import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { http } from 'msw';
import { bearer, isExpired, remainingMinutes, remainingSeconds, passwordGrant, serializeToken, parseSerializedToken, InputError } from '../../lib/index.js';
import type { AadToken } from '../../lib/index.js';
import { restoreToken } from '../../lib/token.js';
import { makeToken } from '../support/tokens.js';
import { mockTransport } from '../support/msw.js';
import { fakeClock } from '../support/clock.js';
import { ACCESS_TOKEN, CLIENT_ID, ID_TOKEN, REFRESH_TOKEN, RESOURCE, USERNAME, ests, tokenBody } from '../support/aad.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

async function tokenWith(body: Record<string, unknown>, clock = fakeClock()): Promise<AadToken> {
  const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(body)));
  return passwordGrant({ clientId: CLIENT_ID, username: USERNAME, password: 'Correct-Horse-9', resource: RESOURCE, fetch: m.fetch, clock, skipUserRealmDiscovery: true });
}

describe('the token model', () => {
  it('expires locally at send time + expires_in and keeps the server expires_on', async () => {
    const clock = fakeClock(T0);
    const token = await tokenWith(tokenBody({ expires_in: '3599', expires_on: String(T0 / 1000 + 3599) }), clock);
    assert.equal(token.sentAt, T0);
    assert.equal(token.expiresAt, T0 + 3_599_000);
    assert.equal(token.expiresOn, T0 / 1000 + 3599);
    assert.equal(token.expiresIn, 3599);
    assert.equal(token.clockSkewSeconds, 0);
  });

  it('accepts numbers as numbers (v2-style)', async () => {
    const token = await tokenWith(tokenBody({ expires_in: 3599, ext_expires_in: 3599, expires_on: T0 / 1000 + 3599, not_before: T0 / 1000 - 300 }));
    assert.equal(token.expiresIn, 3599);
    assert.equal(token.expiresOn, T0 / 1000 + 3599);
  });

  it('exposes the skew when the server clock is 10 minutes ahead', async () => {
    const token = await tokenWith(tokenBody({ expires_on: String(T0 / 1000 + 600 + 3599) }), fakeClock(T0));
    assert.equal(token.clockSkewSeconds, 600);
    assert.equal(token.expiresAt, T0 + 3_599_000, 'the local expiry ignores the server clock');
  });

  it('exposes the skew when the server clock is 10 minutes behind', async () => {
    const token = await tokenWith(tokenBody({ expires_on: String(T0 / 1000 - 600 + 3599) }), fakeClock(T0));
    assert.equal(token.clockSkewSeconds, -600);
    assert.equal(token.expiresAt, T0 + 3_599_000);
    assert.equal(isExpired(token, { now: T0 + 3000_000 }), false, 'a server clock behind does not shorten the local lifetime');
  });

  it('derives expires_on from the local expiry when the server sent none', async () => {
    const { expires_on: _e, ...body } = tokenBody();
    const token = await tokenWith(body, fakeClock(T0));
    assert.equal(token.expiresOn, T0 / 1000 + 3599);
    assert.equal(token.clockSkewSeconds, 0);
  });

  it('isExpired() uses a 60 s skew by default', () => {
    const token = makeToken({ token_type: 'Bearer', access_token: 'x', expires_in: 3600 }, T0);
    assert.equal(isExpired(token, { now: T0 }), false);
    assert.equal(isExpired(token, { now: T0 + 3539_000 }), false);
    assert.equal(isExpired(token, { now: T0 + 3540_000 }), true);
    assert.equal(isExpired(token, { now: T0 + 3000_000, skewSeconds: 600 }), true);
    assert.equal(isExpired(token, { now: T0 + 3599_000, skewSeconds: 0 }), false);
    assert.equal(isExpired(token, { now: T0 + 3600_000, skewSeconds: 0 }), true);
  });

  it('isExpired() defaults now to the real clock', () => {
    const fresh = makeToken({ token_type: 'Bearer', access_token: 'x', expires_in: 3600 }, Date.now());
    const stale = makeToken({ token_type: 'Bearer', access_token: 'x', expires_in: 3600 }, Date.now() - 3600_000);
    assert.equal(isExpired(fresh), false);
    assert.equal(isExpired(stale), true);
  });

  it('remainingSeconds() and remainingMinutes() count down to the local expiry', () => {
    const token = makeToken({ token_type: 'Bearer', access_token: 'x', expires_in: 3599 }, T0);
    assert.equal(remainingSeconds(token, T0), 3599);
    assert.equal(remainingMinutes(token, T0), 59);
    assert.equal(remainingSeconds(token, T0 + 3599_000), 0);
    assert.equal(remainingMinutes(token, T0 + 3000_000), 9);
    assert.equal(remainingSeconds(token, T0 + 3600_000), -1);
    assert.equal(remainingMinutes(token, T0 + 3660_000), -2);
  });

  it('restoreToken() rebuilds a token with its skew', () => {
    const token = restoreToken({ tokenType: 'Bearer', accessToken: ACCESS_TOKEN, expiresIn: 3599, expiresOn: T0 / 1000 + 3599 + 60, sentAt: T0, expiresAt: T0 + 3599_000 });
    assert.equal(token.clockSkewSeconds, 60);
    assert.ok(!inspect(token).includes(ACCESS_TOKEN));
  });
});

describe('bearer()', () => {
  it('prefixes the access token of a token or a string', async () => {
    const token = await tokenWith(tokenBody());
    assert.equal(bearer(token), `Bearer ${ACCESS_TOKEN}`);
    assert.equal(bearer('abc.def.ghi'), 'Bearer abc.def.ghi');
  });

  it('is idempotent and reads the prefix without case', () => {
    assert.equal(bearer(bearer('abc')), 'Bearer abc');
    assert.equal(bearer('bearer abc'), 'Bearer abc');
    assert.equal(bearer('BEARER   abc'), 'Bearer abc');
    assert.equal(bearer('  Bearer abc  '), 'Bearer abc');
  });

  it('rejects an empty token or something else', () => {
    assert.throws(() => bearer(''), (e: unknown) => e instanceof InputError && e.code === 'ERR_INVALID_INPUT' && e.message === 'bearer() got an empty access token.');
    assert.throws(() => bearer({} as AadToken), (e: unknown) => e instanceof InputError && e.message === 'bearer() needs an AadToken or an access token string.');
  });
});

describe('printing a token', () => {
  it('util.inspect shows the shape, not the token values', async () => {
    const token = await tokenWith(tokenBody());
    const shown = inspect(token, { depth: 10 });
    assert.match(shown, /^AadToken \{/);
    assert.ok(shown.includes("tokenType: 'Bearer'"), shown);
    assert.ok(shown.includes(`accessToken: '[redacted, ${ACCESS_TOKEN.length} chars]'`), shown);
    assert.ok(shown.includes(`resource: '${RESOURCE}'`), shown);
    assert.ok(shown.includes("expiresAt: '2026-11-22T12:59:59.000Z'"), shown);
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN]) assert.ok(!shown.includes(secret));
  });

  it('String() and JSON.stringify() do not show the token values either', async () => {
    const token = await tokenWith(tokenBody());
    assert.equal(String(token), '[AadToken]');
    const json = JSON.stringify(token);
    assert.equal(JSON.parse(json).tokenType, 'Bearer');
    assert.equal(JSON.parse(json).refreshToken, `[redacted, ${REFRESH_TOKEN.length} chars]`);
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN]) {
      assert.ok(!json.includes(secret));
      assert.ok(!`${token}`.includes(secret));
    }
  });

  it('the raw response keeps the values but does not print them', async () => {
    const token = await tokenWith(tokenBody());
    assert.equal(token.raw.access_token, ACCESS_TOKEN);
    const shown = inspect(token.raw, { depth: 10 }) + JSON.stringify(token.raw) + String(token.raw);
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN]) assert.ok(!shown.includes(secret));
    assert.ok(shown.includes('access_token'));
  });

  it('inspecting a containing object keeps the values hidden', async () => {
    const token = await tokenWith(tokenBody());
    const shown = inspect({ cached: { token } }, { depth: 10 });
    assert.ok(!shown.includes(ACCESS_TOKEN), shown);
  });

  it('serializeToken() is the explicit way to get the values out, with the same fields', async () => {
    const token = await tokenWith(tokenBody());
    const out = serializeToken(token);
    assert.equal(out.accessToken, ACCESS_TOKEN);
    assert.equal(out.refreshToken, REFRESH_TOKEN);
    assert.equal(out.idToken, ID_TOKEN);
    const defined = Object.keys(out).filter((key) => (out as unknown as Record<string, unknown>)[key] !== undefined).sort();
    assert.deepEqual(defined, Object.keys(JSON.parse(JSON.stringify(token))).sort(), 'the printed shape and the serialization list the same fields');
  });
});

describe('serializeToken() and parseSerializedToken()', () => {
  it('round-trip: the JSON that --json prints reads back into the same token (secrets and times included)', async () => {
    const token = await tokenWith(tokenBody());
    const text = JSON.stringify(serializeToken(token));
    const back = parseSerializedToken(text);
    assert.deepEqual(serializeToken(back), serializeToken(token));
    assert.equal(back.accessToken, ACCESS_TOKEN);
    assert.equal(back.refreshToken, REFRESH_TOKEN);
    assert.equal(back.expiresAt, token.expiresAt);
    assert.equal(back.sentAt, token.sentAt);
    assert.equal(back.clockSkewSeconds, token.clockSkewSeconds);
    assert.ok(!inspect(back).includes(ACCESS_TOKEN));
    assert.deepEqual(parseSerializedToken(serializeToken(token)).expiresOn, token.expiresOn);
  });

  it('never prints -0 as the skew', async () => {
    const token = restoreToken({ tokenType: 'Bearer', accessToken: 'x', expiresIn: 1, expiresOn: 1_800_000_000, sentAt: 1_800_000_000_000 - 1000 + 400, expiresAt: 1_800_000_000_400 });
    assert.equal(Object.is(serializeToken(token).clockSkewSeconds, -0), false);
  });

  it('refuses what is not a serialized token, naming the field', () => {
    assert.throws(() => parseSerializedToken('{"tokenType":"Bearer"}'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, 'parseSerializedToken() got an invalid token: accessToken is missing or has the wrong type.');
      return true;
    });
    assert.throws(() => parseSerializedToken('not json'), InputError);
  });
});
