import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClaims, InputError } from '../../lib/index.js';
import type { AadToken } from '../../lib/index.js';
import { makeToken } from '../support/tokens.js';
import { ACCESS_TOKEN, CLIENT_ID, ID_TOKEN, RESOURCE, TENANT_ID, USERNAME } from '../support/aad.js';

const GARBAGE = 'The value is not a decodable JWT (expected three base64url parts separated by dots, with a JSON payload).';

describe('decodeClaims()', () => {
  it('decodes the access token of a token', () => {
    const token = makeToken({ token_type: 'Bearer', access_token: ACCESS_TOKEN, expires_in: 3599 }, Date.UTC(2026, 10, 22, 12));
    const claims = decodeClaims(token);
    assert.equal(claims.aud, RESOURCE);
    assert.equal(claims.tid, TENANT_ID);
    assert.equal(claims.upn, USERNAME);
    assert.equal(claims.exp, 1795352399);
  });

  it('decodes a JWT string, with or without a Bearer prefix', () => {
    assert.equal(decodeClaims(ACCESS_TOKEN).scp, 'user_impersonation');
    assert.equal(decodeClaims(`Bearer ${ACCESS_TOKEN}`).appid, CLIENT_ID);
  });

  it('decodes the unsigned v1 id_token (alg none, empty signature)', () => {
    const claims = decodeClaims(ID_TOKEN);
    assert.equal(claims.aud, CLIENT_ID);
    assert.equal(claims.ver, '1.0');
  });

  for (const [name, value] of [
    ['garbage', 'not-a-jwt'],
    ['two parts', 'eyJhbGciOiJub25lIn0.eyJhIjoxfQ'],
    ['a payload that is not JSON', 'eyJhbGciOiJub25lIn0.bm90LWpzb24.'],
    ['an opaque refresh token', '0.AXoA-fake-opaque-refresh-token-for-tests-only-000000'],
  ] as const) {
    it(`rejects ${name} with ERR_INVALID_INPUT`, () => {
      assert.throws(
        () => decodeClaims(value),
        (e: unknown) => e instanceof InputError && e.code === 'ERR_INVALID_INPUT' && e.message === GARBAGE && !e.message.includes(value),
      );
    });
  }

  it('rejects an empty string and a non-token', () => {
    for (const value of ['', '   ', {} as AadToken, undefined as unknown as string]) {
      assert.throws(
        () => decodeClaims(value),
        (e: unknown) => e instanceof InputError && e.message === 'decodeClaims() needs an AadToken or a JWT string.',
      );
    }
  });
});
