// startEmulator() option checks: clear TypeErrors for values the emulator cannot honour. No defaults, no state.
import { registerCertificate } from './client-certificates.js';
import type { EmulatorClient, EmulatorOptions, EmulatorUser } from './types.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fail = (message: string): never => {
  throw new TypeError(`startEmulator(): ${message}`);
};

function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be a boolean, got ${typeof value}`);
}

function checkString(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '') fail(`${name} must be a non-empty string`);
}

function checkUser(u: EmulatorUser, i: number): void {
  if (!u || typeof u !== 'object') fail(`users[${i}] must be an object`);
  checkString(u.username, `users[${i}].username`);
  if (typeof u.password !== 'string') fail(`users[${i}].password must be a string`);
  for (const flag of ['mfaRequired', 'locked', 'federated'] as const) checkBoolean(u[flag], `users[${i}].${flag}`);
  if (u.displayName !== undefined) checkString(u.displayName, `users[${i}].displayName`);
}

function checkClient(c: EmulatorClient, i: number): void {
  if (!c || typeof c !== 'object') fail(`clients[${i}] must be an object`);
  checkString(c.clientId, `clients[${i}].clientId`);
  if (c.secret !== undefined) checkString(c.secret, `clients[${i}].secret`);
  checkBoolean(c.allowPublicClientFlows, `clients[${i}].allowPublicClientFlows`);
  if (c.roles !== undefined && !(Array.isArray(c.roles) && c.roles.every((r) => typeof r === 'string' && r !== ''))) {
    fail(`clients[${i}].roles must be an array of non-empty strings`);
  }
  if (c.redirectUris !== undefined) {
    if (!Array.isArray(c.redirectUris)) fail(`clients[${i}].redirectUris must be an array of absolute URIs`);
    c.redirectUris.forEach((u, j) => {
      let ok = false;
      try {
        ok = typeof u === 'string' && !new URL(u).hash;
      } catch {
        ok = false;
      }
      if (!ok) fail(`clients[${i}].redirectUris[${j}] must be an absolute URI without a fragment, got ${JSON.stringify(u)}`);
    });
  }
  if (c.certificates !== undefined) {
    if (!Array.isArray(c.certificates)) fail(`clients[${i}].certificates must be an array of PEM certificates`);
    c.certificates.forEach((pem, j) => registerCertificate(pem, `clients[${i}].certificates[${j}]`));
  }
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
  if (o.users !== undefined) {
    if (!Array.isArray(o.users) || o.users.length === 0) fail('users must be a non-empty array');
    o.users.forEach(checkUser);
  }
  if (o.clients !== undefined) {
    if (!Array.isArray(o.clients)) fail('clients must be an array');
    o.clients.forEach(checkClient);
  }
  if (o.tenantId !== undefined && !GUID.test(o.tenantId)) fail(`tenantId must be a GUID, got '${o.tenantId}'`);
  checkBoolean(o.singleUseRefreshTokens, 'singleUseRefreshTokens');
  checkBoolean(o.rejectReplayedJti, 'rejectReplayedJti');
}
