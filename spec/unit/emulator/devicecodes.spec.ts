import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { EmulatorState } from '../../../lib/emulator/state.js';

const CLIENT = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const USER = { username: 'svc@contoso.onmicrosoft.com', password: 'Pa55-word!' };
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';

class ManualClock extends EmulatorState {
  now = Date.UTC(2026, 11, 2);
  override nowMs(): number {
    return this.now;
  }
}

describe('device codes cost the same however many are outstanding', () => {
  it('the fifth batch of 10,000 codes (issue and look up) costs no more than a small multiple of the first', { timeout: 60_000 }, () => {
    const state = new EmulatorState({ users: [USER], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }] });
    const batch = (n: number): number => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const r = state.createDeviceCode(CLIENT, RESOURCE);
        if (state.findDeviceCode(r.deviceCode) !== r) throw new Error('lost a device code');
        if (state.findDeviceCodeByUserCode(r.userCode.toLowerCase()) !== r) throw new Error('lost a user code');
        if (state.findDeviceCode(`${r.deviceCode}x`) !== undefined) throw new Error('found a code that was never issued');
      }
      return performance.now() - t0;
    };
    batch(2_000); // warm-up: the JIT, not the store, should decide nothing below
    const first = batch(10_000);
    for (let b = 0; b < 3; b++) batch(10_000);
    const fifth = batch(10_000);
    assert.equal(state.listDeviceCodes().length, 52_000);
    // A linear scan per lookup made the fifth batch cost ~5-9x the first; a map keeps it ~1x.
    assert.ok(fifth <= first * 3 + 50, `first batch ${first.toFixed(0)} ms, fifth ${fifth.toFixed(0)} ms`);
  });

  it('forgets expired codes from the head, in one pass over only those that expired', () => {
    const state = new ManualClock({ users: [USER], clients: [{ clientId: CLIENT, allowPublicClientFlows: true }], deviceCodeLifetimeSeconds: 60 });
    const old = Array.from({ length: 20_000 }, () => state.createDeviceCode(CLIENT, RESOURCE));
    state.now += 5 * 60_000;
    const young = Array.from({ length: 3 }, () => state.createDeviceCode(CLIENT, RESOURCE));
    state.now += 60_000 + 10 * 60_000 - 5 * 60_000; // the old ones are past expiry + grace, the young ones are not
    const fresh = state.createDeviceCode(CLIENT, RESOURCE);
    assert.equal(state.listDeviceCodes().length, 4);
    assert.equal(state.findDeviceCode(old[0]!.deviceCode), undefined);
    assert.equal(state.findDeviceCodeByUserCode(old.at(-1)!.userCode), undefined);
    for (const r of [...young, fresh]) assert.equal(state.findDeviceCode(r.deviceCode), r);
  });
});
