// startEmulator() option checks: clear TypeErrors for values the emulator cannot honour. No defaults, no state.
import type { EmulatorOptions } from './types.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fail = (message: string): never => {
  throw new TypeError(`startEmulator(): ${message}`);
};

function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be a boolean, got ${typeof value}`);
}

export function checkOptions(o: EmulatorOptions): void {
  const positive = ['tokenLifetimeSeconds', 'deviceCodeIntervalSeconds', 'deviceCodeLifetimeSeconds'] as const;
  for (const k of positive) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(`${k} must be a positive number, got ${v}`);
  }
  const a = o.autoApproveDeviceCodeAfterSeconds;
  if (a !== undefined && !(typeof a === 'number' && Number.isFinite(a) && a >= 0)) fail(`autoApproveDeviceCodeAfterSeconds must be >= 0, got ${a}`);
  if (o.clockOffsetSeconds !== undefined && !(typeof o.clockOffsetSeconds === 'number' && Number.isFinite(o.clockOffsetSeconds))) {
    fail('clockOffsetSeconds must be a finite number');
  }
  if (o.users && o.users.length === 0) fail('users must not be empty');
  if (o.tenantId !== undefined && !GUID.test(o.tenantId)) fail(`tenantId must be a GUID, got '${o.tenantId}'`);
  checkBoolean(o.singleUseRefreshTokens, 'singleUseRefreshTokens');
}
