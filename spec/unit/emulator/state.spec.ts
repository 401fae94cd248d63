import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatorState, MAX_REFRESH_TOKENS, RefreshTokenStore, type RefreshTokenRecord } from '../../../lib/emulator/state.js';
import { RequestLog, recordRequest } from '../../../lib/emulator/record.js';

const CLIENT = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const USER = { username: 'svc@contoso.onmicrosoft.com', password: 'Pa55-word!' };
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';

const record = (n: number): RefreshTokenRecord => ({ clientId: CLIENT, username: USER.username, resource: RESOURCE, issuedMs: n, status: 'active' });

describe('emulator state stays bounded', () => {
  it('RefreshTokenStore forgets the oldest tokens beyond its capacity', () => {
    const store = new RefreshTokenStore(3);
    for (let i = 1; i <= 5; i++) store.add(`rt${i}`, record(i));
    assert.equal(store.size, 3);
    assert.equal(store.get('rt1'), undefined);
    assert.equal(store.get('rt2'), undefined);
    assert.deepEqual([3, 4, 5].map((i) => store.get(`rt${i}`)?.issuedMs), [3, 4, 5]);
  });

  it(`an emulator remembers the newest ${MAX_REFRESH_TOKENS} refresh tokens, and a forgotten one is unknown`, () => {
    const state = new EmulatorState({ users: [USER], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }] });
    const oldest = state.issueRefreshToken(CLIENT, USER.username, RESOURCE);
    const second = state.issueRefreshToken(CLIENT, USER.username, RESOURCE);
    let newest = second;
    for (let i = 2; i <= MAX_REFRESH_TOKENS; i++) newest = state.issueRefreshToken(CLIENT, USER.username, RESOURCE);
    assert.equal(state.findRefreshToken(oldest), undefined);
    assert.equal(state.findRefreshToken(second)?.status, 'active');
    assert.equal(state.findRefreshToken(newest)?.status, 'active');
    // revoking walks only what is remembered
    assert.equal(state.markRefreshTokens('revoked'), MAX_REFRESH_TOKENS);
  });

  it('forgets a device code ten minutes after it expired, not before', () => {
    class ManualClock extends EmulatorState {
      now = Date.UTC(2026, 11, 2);
      override nowMs(): number {
        return this.now;
      }
    }
    const state = new ManualClock({ users: [USER], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }], deviceCodeLifetimeSeconds: 60 });
    const first = state.createDeviceCode(CLIENT, RESOURCE);
    state.now += 60_000 + 10 * 60_000 - 1; // expired, still within the grace period
    state.createDeviceCode(CLIENT, RESOURCE);
    assert.equal(state.isExpired(first), true);
    assert.equal(state.findDeviceCode(first.deviceCode), first, 'a late poll still finds it (and hears expired_token)');
    state.now += 1;
    const third = state.createDeviceCode(CLIENT, RESOURCE);
    assert.equal(state.findDeviceCode(first.deviceCode), undefined);
    assert.deepEqual(state.listDeviceCodes().map((r) => r.userCode).includes(third.userCode), true);
    assert.equal(state.listDeviceCodes().length, 2);
  });

  it('RequestLog keeps the newest entries, oldest first, and clears', () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 5; i++) log.add(recordRequest('POST', new URL(`https://127.0.0.1/t/oauth2/token?n=${i}`), {}, { grant_type: 'password', password: 'Pa55-word!' }));
    assert.deepEqual(log.list().map((r) => r.path), [3, 4, 5].map((i) => `/t/oauth2/token?n=${i}`));
    assert.ok(log.list().every((r) => r.form['password'] === '[redacted]'));
    log.clear();
    assert.deepEqual(log.list(), []);
  });
});
