import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authorizationCodeGrant } from '../../../lib/emulator/authcode-grant.js';
import { AUTH_CODE_LIFETIME_MS, MAX_AUTH_CODES } from '../../../lib/emulator/authcodes.js';
import type { RequestContext } from '../../../lib/emulator/context.js';
import { EmulatorState } from '../../../lib/emulator/state.js';
import { TokenMinter } from '../../../lib/emulator/tokens.js';

const CLIENT = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const USER = { username: 'svc@contoso.onmicrosoft.com', password: 'Pa55-word!' };
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const REDIRECT = 'http://localhost:7357/';

class ManualClock extends EmulatorState {
  now = Date.UTC(2026, 11, 2);
  override nowMs(): number {
    return this.now;
  }
}

async function redeem(state: EmulatorState, code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const origin = 'http://127.0.0.1:1';
  const ctx = {
    method: 'POST',
    url: new URL(`${origin}/common/oauth2/token`),
    segments: ['common', 'oauth2', 'token'],
    headers: { host: '127.0.0.1:1' },
    form: { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: REDIRECT },
    rawBody: Buffer.alloc(0),
    origin,
    state,
    minter: await TokenMinter.create(),
    errors: { origin, traceId: '00000000-0000-4000-8000-000000000001', correlationId: '00000000-0000-4000-8000-000000000002', nowMs: state.nowMs() },
    control: undefined as never,
  } satisfies RequestContext;
  const r = await authorizationCodeGrant(ctx, 'common');
  return { status: r.status, body: JSON.parse(String(r.body)) as Record<string, unknown> };
}

describe('authorization codes live ten minutes', () => {
  const grant = { clientId: CLIENT, redirectUri: REDIRECT, resource: RESOURCE, tenant: 'common', username: USER.username, amr: ['pwd'] };

  it('a code is redeemable just before ten minutes and refused with invalid_grant AADSTS70008 after', async () => {
    const state = new ManualClock({ users: [USER], clients: [{ clientId: CLIENT }] });
    const young = state.authCodes.issue(grant);
    const old = state.authCodes.issue(grant);
    state.now += AUTH_CODE_LIFETIME_MS - 1000;
    assert.equal((await redeem(state, young)).status, 200);
    state.now += 1000;
    const r = await redeem(state, old);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
    assert.deepEqual(r.body.error_codes, [70008]);
  });

  it('the store stays bounded: old codes are forgotten (then unknown: 70000)', async () => {
    const state = new ManualClock({ users: [USER], clients: [{ clientId: CLIENT }] });
    const first = state.authCodes.issue(grant);
    for (let i = 0; i < MAX_AUTH_CODES; i++) state.authCodes.issue(grant);
    assert.equal(state.authCodes.size, MAX_AUTH_CODES);
    assert.deepEqual((await redeem(state, first)).body.error_codes, [70000]);
    state.now += AUTH_CODE_LIFETIME_MS + 10 * 60_000 + 1;
    state.authCodes.issue(grant);
    assert.equal(state.authCodes.size, 1, 'expired codes are dropped from the head');
  });
});
