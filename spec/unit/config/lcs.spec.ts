import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../../lib/config/store.js';
import { InputError } from '../../../lib/errors.js';
import { isExpired } from '../../../lib/token.js';
import { makeToken, plain } from '../../support/tokens.js';
import { tempDirs } from '../../support/config-tmp.js';

const dirs = tempDirs();
after(() => dirs.cleanup());

async function freshStore() {
  return openConfigStore({ path: path.join(await dirs.make(), 'config.json') });
}

const CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
const SENT_AT = 1_700_000_000_000;

function token(access: string, refresh: string | undefined, sentAt = SENT_AT) {
  return makeToken(
    {
      token_type: 'Bearer',
      access_token: access,
      refresh_token: refresh,
      expires_in: 3599,
      // the server's clock is 120 s ahead of ours
      expires_on: Math.floor(sentAt / 1000) + 3599 + 120,
      not_before: Math.floor(sentAt / 1000) + 120,
      resource: 'https://lcsapi.lcs.dynamics.com',
      scope: 'user_impersonation',
    },
    sentAt,
  );
}

async function fileJson(store: { path: string }): Promise<Record<string, any>> {
  return JSON.parse(await readFile(store.path, 'utf8'));
}

describe('store.lcs', () => {
  it('is empty without a file', async () => {
    const store = await freshStore();
    assert.deepEqual(plain(await store.lcs.get()), {});
    assert.equal(await store.lcs.getToken(), undefined);
  });

  it('saves plain keys, normalising the project id and the URI', async () => {
    const store = await freshStore();
    const view = await store.lcs.set({ clientId: CLIENT_ID, lcsApiUri: 'https://lcsapi.eu.lcs.dynamics.com/', projectId: '123456789' });
    assert.deepEqual(plain(view), { clientId: CLIENT_ID, lcsApiUri: 'https://lcsapi.eu.lcs.dynamics.com', projectId: 123456789 });
    assert.deepEqual((await fileJson(store))['lcs'], plain(view));
    await store.lcs.set({ projectId: 42 });
    assert.deepEqual(plain(await store.lcs.get()), { clientId: CLIENT_ID, lcsApiUri: 'https://lcsapi.eu.lcs.dynamics.com', projectId: 42 });
  });

  it('removes a key set to null and leaves undefined ones alone', async () => {
    const store = await freshStore();
    await store.lcs.set({ clientId: CLIENT_ID, projectId: 7 });
    await store.lcs.set({ clientId: null, projectId: undefined });
    assert.deepEqual(plain(await store.lcs.get()), { projectId: 7 });
  });

  it('saves an AadToken: bare access token, refresh token, both expiries and what restoreToken needs', async () => {
    const store = await freshStore();
    const t = token('access-AAA', 'refresh-111');
    await store.lcs.set(t);
    const lcs = (await fileJson(store))['lcs'];
    assert.deepEqual(lcs, {
      bearerToken: 'access-AAA',
      refreshToken: 'refresh-111',
      activeTokenExpiresOn: t.expiresOn,
      activeTokenExpiresAt: SENT_AT + 3599_000,
      tokenType: 'Bearer',
      resource: 'https://lcsapi.lcs.dynamics.com',
      scope: 'user_impersonation',
      expiresIn: 3599,
      sentAt: SENT_AT,
      notBefore: t.notBefore,
    });
    const restored = await store.lcs.getToken();
    assert.ok(restored);
    for (const key of ['tokenType', 'accessToken', 'refreshToken', 'resource', 'scope', 'expiresIn', 'expiresOn', 'notBefore', 'sentAt', 'expiresAt', 'clockSkewSeconds'] as const) {
      assert.equal(restored[key], t[key], key);
    }
    assert.equal(restored.clockSkewSeconds, 120);
  });

  it('judges a saved token on the local expiry in a later process', async () => {
    const store = await freshStore();
    await store.lcs.set(token('access-AAA', 'refresh-111'));
    const later = openConfigStore({ path: store.path });
    const restored = await later.lcs.getToken();
    assert.ok(restored);
    // the server says it lives 120 s longer; the local clock decides
    assert.equal(isExpired(restored, { skewSeconds: 0, now: SENT_AT + 3599_000 + 60_000 }), true);
    assert.equal(isExpired(restored, { skewSeconds: 0, now: SENT_AT + 3599_000 - 1 }), false);
  });

  it('keeps the saved refresh token when a new token carries none, and always takes a newer one', async () => {
    const store = await freshStore();
    await store.lcs.set(token('access-1', 'refresh-1'));
    await store.lcs.set(token('access-2', undefined, SENT_AT + 1000));
    let lcs = await store.lcs.get();
    assert.equal(lcs.bearerToken, 'access-2');
    assert.equal(lcs.refreshToken, 'refresh-1');
    await store.lcs.set(token('access-3', 'refresh-3', SENT_AT + 2000));
    lcs = await store.lcs.get();
    assert.equal(lcs.bearerToken, 'access-3');
    assert.equal(lcs.refreshToken, 'refresh-3');
    assert.equal(lcs.sentAt, SENT_AT + 2000);
  });

  it('strips a Bearer prefix from a bearer token set by hand and drops the old token details', async () => {
    const store = await freshStore();
    await store.lcs.set(token('access-1', 'refresh-1'));
    await store.lcs.set({ bearerToken: 'Bearer manual-token', activeTokenExpiresOn: '1700003600' });
    assert.deepEqual(plain(await store.lcs.get()), { bearerToken: 'manual-token', refreshToken: 'refresh-1', activeTokenExpiresOn: 1700003600 });
    const restored = await store.lcs.getToken();
    assert.ok(restored);
    // only the server expiry is known: it is used as the expiry
    assert.equal(restored.expiresAt, 1700003600_000);
    assert.equal(restored.accessToken, 'manual-token');
  });

  it('treats a bearer token without any expiry as expired', async () => {
    const store = await freshStore();
    await store.lcs.set({ bearerToken: 'no-expiry' });
    const restored = await store.lcs.getToken();
    assert.ok(restored);
    assert.equal(isExpired(restored, { now: 0 }), true);
  });

  it('keeps temporary values in memory only, overlaid on reads of this store', async () => {
    const store = await freshStore();
    await store.lcs.set({ clientId: CLIENT_ID, projectId: 1 });
    await store.lcs.set({ projectId: 99 }, { temporary: true });
    await store.lcs.set(token('temp-access', 'temp-refresh'), { temporary: true });
    const view = await store.lcs.get();
    assert.equal(view.projectId, 99);
    assert.equal(view.bearerToken, 'temp-access');
    assert.equal((await store.lcs.getToken())?.refreshToken, 'temp-refresh');
    const text = await readFile(store.path, 'utf8');
    assert.equal(text.includes('temp-access'), false);
    assert.equal(text.includes('temp-refresh'), false);
    assert.deepEqual(JSON.parse(text)['lcs'], { clientId: CLIENT_ID, projectId: 1 });
    assert.deepEqual(plain(await openConfigStore({ path: store.path }).lcs.get()), { clientId: CLIENT_ID, projectId: 1 });
    // a saved value replaces the temporary one
    await store.lcs.set({ projectId: 5 });
    assert.equal((await store.lcs.get()).projectId, 5);
  });

  describe('rejects bad input with a message that never echoes the value', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a client id that is not a GUID', { clientId: 'not-a-guid' }, 'clientId must be a GUID like 00000000-0000-0000-0000-000000000000 (the application id of the app registration).'],
      [
        'an http LCS URI',
        { lcsApiUri: 'http://lcsapi.lcs.dynamics.com' },
        'lcsApiUri must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).',
      ],
      [
        'an LCS URI with a query',
        { lcsApiUri: 'https://lcsapi.lcs.dynamics.com/?x=1' },
        'lcsApiUri must not have a query or fragment, e.g. https://lcsapi.lcs.dynamics.com.',
      ],
      ['a negative project id', { projectId: -3 }, 'projectId must be the LCS project id (a positive integer, as a number or a string of digits).'],
      ['a non-numeric project id', { projectId: '12ab' }, 'projectId must be the LCS project id (a positive integer, as a number or a string of digits).'],
      ['a fractional project id', { projectId: 1.5 }, 'projectId must be the LCS project id (a positive integer, as a number or a string of digits).'],
      ['an empty bearer token', { bearerToken: 'Bearer ' }, 'bearerToken is required.'],
      ['a refresh token that is not a string', { refreshToken: 42 }, 'refreshToken is required.'],
      ['a bad expiry', { activeTokenExpiresOn: 'soon' }, 'activeTokenExpiresOn must be epoch seconds (a positive integer, as a number or a string of digits).'],
      [
        'an LCS host that is not a known one (without allowUnknownHost)',
        { lcsApiUri: 'https://evil.example.com' },
        'lcsApiUri https://evil.example.com is not a known LCS API host (known: https://lcsapi.lcs.dynamics.com, https://lcsapi.eu.lcs.dynamics.com, https://lcsapi.fr.lcs.dynamics.com, https://lcsapi.sa.lcs.dynamics.com, https://lcsapi.uae.lcs.dynamics.com, https://lcsapi.ch.lcs.dynamics.com, https://lcsapi.no.lcs.dynamics.com, https://lcsapi.lcs.dynamics.cn, https://lcsapi.gov.lcs.microsoftdynamics.us); if it is a new LCS region, pass allowUnknownHost.',
      ],
      [
        'an unknown key',
        { password: 'hunter2-secret' },
        'lcs.set() got an unknown key "password"; the keys are clientId, lcsApiUri, projectId, bearerToken, refreshToken, activeTokenExpiresOn.',
      ],
    ];
    for (const [what, partial, message] of cases) {
      it(`rejects ${what}`, async () => {
        const store = await freshStore();
        await assert.rejects(store.lcs.set(partial as never), (error: unknown) => {
          assert.ok(error instanceof InputError);
          assert.equal(error.code, what.startsWith('an http') ? 'ERR_INSECURE_URL' : 'ERR_INVALID_INPUT');
          assert.equal(error.message, message);
          return true;
        });
      });
    }

    it('does not echo a secret-looking value it refuses', async () => {
      const store = await freshStore();
      await assert.rejects(store.lcs.set({ clientId: 'SECRET-VALUE-123' }), (error: Error) => !error.message.includes('SECRET-VALUE-123'));
    });
  });
});
