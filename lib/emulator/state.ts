// The emulator's directory and grants: tenant, users, clients, refresh tokens, device codes, server clock. No HTTP.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthCodeStore } from './authcodes.js';
import { registerCertificate, type RegisteredCertificate } from './client-certificates.js';
import { DeviceCodeStore, type DeviceCodeRecord } from './devicecodes.js';
import { EMULATOR_DEMO } from './demo.js';
import type { EmulatorClient, EmulatorOptions, EmulatorUser } from './types.js';

export { EMULATOR_DEMO } from './demo.js';
export type { DeviceCodeRecord } from './devicecodes.js';

export interface UserRecord extends EmulatorUser {
  oid: string;
  name: string;
}

export interface RefreshTokenRecord {
  clientId: string;
  username: string;
  resource: string;
  issuedMs: number;
  status: 'active' | 'redeemed' | 'revoked' | 'inactive';
}

/** A GUID derived from a name, so users keep their oid across restarts. */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function displayNameOf(username: string): string {
  const local = username.split('@')[0] ?? username;
  return local.split(/[._-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ') || username;
}

/** Constant-time string comparison for passwords and secrets. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How many assertion ids an emulator remembers under rejectReplayedJti. */
const MAX_SEEN_JTI = 100_000;

/** How many refresh tokens an emulator remembers: issuing one more forgets the oldest. */
export const MAX_REFRESH_TOKENS = 10_000;

/**
 * Refresh tokens by value, oldest first. Bounded, so a long-lived emulator (a CI service, the bench)
 * does not grow forever: a forgotten token is refused like any unknown one (invalid_grant, 70000).
 */
export class RefreshTokenStore {
  private readonly records = new Map<string, RefreshTokenRecord>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.records.size;
  }

  add(token: string, record: RefreshTokenRecord): void {
    this.records.set(token, record);
    // a Map iterates in insertion order: the first key is the oldest token
    while (this.records.size > this.capacity) this.records.delete(this.records.keys().next().value!);
  }

  get(token: string): RefreshTokenRecord | undefined {
    return this.records.get(token);
  }

  values(): IterableIterator<RefreshTokenRecord> {
    return this.records.values();
  }
}

export class EmulatorState {
  readonly tenantId: string;
  readonly tenantDomain: string;
  readonly users: UserRecord[];
  readonly clients: Map<string, EmulatorClient>;
  readonly tokenLifetimeSeconds: number;
  readonly deviceCodeIntervalSeconds: number;
  readonly deviceCodeLifetimeSeconds: number;
  readonly autoApproveAfterSeconds: number | undefined;
  readonly clockOffsetMs: number;
  readonly singleUseRefreshTokens: boolean;
  readonly rejectReplayedJti: boolean;
  readonly authCodes = new AuthCodeStore(() => this.nowMs());
  private readonly certificates = new Map<string, RegisteredCertificate[]>();
  /** Seen assertion ids ("client jti") and until when they matter; only with rejectReplayedJti. */
  private readonly seenJti = new Map<string, number>();
  private readonly refreshTokens = new RefreshTokenStore(MAX_REFRESH_TOKENS);
  private readonly deviceCodes: DeviceCodeStore;

  constructor(options: EmulatorOptions) {
    this.tenantId = (options.tenantId ?? EMULATOR_DEMO.tenantId).toLowerCase();
    this.tenantDomain = options.tenantDomain ?? EMULATOR_DEMO.tenantDomain;
    const users: EmulatorUser[] = options.users ?? [EMULATOR_DEMO.user, EMULATOR_DEMO.mfaUser];
    this.users = users.map((u) => ({
      ...u,
      oid: stableGuid(`${this.tenantId}/${u.username.toLowerCase()}`),
      name: u.displayName ?? displayNameOf(u.username),
    }));
    const clients: EmulatorClient[] = options.clients ?? [EMULATOR_DEMO.publicClient, EMULATOR_DEMO.confidentialClient];
    this.clients = new Map(clients.map((c) => [c.clientId.toLowerCase(), c]));
    if (!this.clients.has(EMULATOR_DEMO.firstPartyPublicClientId)) {
      this.clients.set(EMULATOR_DEMO.firstPartyPublicClientId, {
        clientId: EMULATOR_DEMO.firstPartyPublicClientId,
        allowPublicClientFlows: true,
      });
    }
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    this.deviceCodeIntervalSeconds = options.deviceCodeIntervalSeconds ?? 5;
    this.deviceCodeLifetimeSeconds = options.deviceCodeLifetimeSeconds ?? 900;
    this.autoApproveAfterSeconds = options.autoApproveDeviceCodeAfterSeconds;
    this.clockOffsetMs = Math.round((options.clockOffsetSeconds ?? 0) * 1000);
    this.singleUseRefreshTokens = options.singleUseRefreshTokens ?? false;
    this.rejectReplayedJti = options.rejectReplayedJti ?? false;
    clients.forEach((c, i) => {
      const parsed = (c.certificates ?? []).map((pem, j) => registerCertificate(pem, `clients[${i}].certificates[${j}]`));
      if (parsed.length) this.certificates.set(c.clientId.toLowerCase(), parsed);
    });
    this.deviceCodes = new DeviceCodeStore(() => this.nowMs(), this.deviceCodeLifetimeSeconds * 1000);
  }

  /** Server clock in epoch milliseconds (real clock + offset). */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Is this path segment our tenant (GUID or domain), `common` or `organizations`? */
  resolveTenant(segment: string): 'tenant' | 'multi' | undefined {
    const s = segment.toLowerCase();
    if (s === 'common' || s === 'organizations') return 'multi';
    if (s === this.tenantId || s === this.tenantDomain.toLowerCase()) return 'tenant';
    return undefined;
  }

  findUser(username: string): UserRecord | undefined {
    const u = username.toLowerCase();
    return this.users.find((x) => x.username.toLowerCase() === u);
  }

  findClient(clientId: string): EmulatorClient | undefined {
    return this.clients.get(clientId.toLowerCase());
  }

  /** The certificates registered for a client (none for most). */
  certificatesOf(client: EmulatorClient): readonly RegisteredCertificate[] {
    return this.certificates.get(client.clientId.toLowerCase()) ?? [];
  }

  /** A client with neither a secret nor a certificate: it must not send a credential. */
  isPublicClient(client: EmulatorClient): boolean {
    return client.secret === undefined && this.certificatesOf(client).length === 0;
  }

  /**
   * Records an assertion id until `untilMs`; false when the same client already used it and it has not
   * lapsed. Bounded: the oldest ids go first past MAX_SEEN_JTI.
   */
  rememberJti(clientId: string, jti: string, untilMs: number): boolean {
    const now = this.nowMs();
    for (const [k, until] of this.seenJti) {
      if (until >= now && this.seenJti.size < MAX_SEEN_JTI) break;
      this.seenJti.delete(k);
    }
    const key = `${clientId.toLowerCase()} ${jti}`;
    const until = this.seenJti.get(key);
    if (until !== undefined && until >= now) return false;
    this.seenJti.set(key, untilMs);
    return true;
  }

  /** Domains the tenant knows: its own and those of its users. */
  knowsDomain(domain: string): boolean {
    const d = domain.toLowerCase();
    return d === this.tenantDomain.toLowerCase() || this.users.some((u) => u.username.toLowerCase().endsWith(`@${d}`));
  }

  // --- refresh tokens ---------------------------------------------------------------------

  issueRefreshToken(clientId: string, username: string, resource: string): string {
    const token = `AwABAAAAvPM1KaPl.${randomBytes(48).toString('base64url')}`;
    this.refreshTokens.add(token, { clientId, username, resource, issuedMs: this.nowMs(), status: 'active' });
    return token;
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  /** Marks matching active refresh tokens; returns how many changed. */
  markRefreshTokens(status: 'revoked' | 'inactive', username?: string): number {
    let n = 0;
    for (const rt of this.refreshTokens.values()) {
      if (rt.status !== 'active') continue;
      if (username && rt.username.toLowerCase() !== username.toLowerCase()) continue;
      rt.status = status;
      n++;
    }
    return n;
  }

  // --- device codes -----------------------------------------------------------------------

  createDeviceCode(clientId: string, resource: string): DeviceCodeRecord {
    const record = this.deviceCodes.create(clientId, resource);
    if (this.autoApproveAfterSeconds !== undefined && this.users[0]) {
      const first = this.users[0].username;
      record.timer = setTimeout(() => this.settleDeviceCode(record.userCode, 'approved', first), this.autoApproveAfterSeconds * 1000);
      record.timer.unref();
    }
    return record;
  }

  findDeviceCodeByUserCode(userCode: string): DeviceCodeRecord | undefined {
    return this.deviceCodes.findByUserCode(userCode);
  }

  findDeviceCode(deviceCode: string): DeviceCodeRecord | undefined {
    return this.deviceCodes.findByDeviceCode(deviceCode);
  }

  isExpired(record: DeviceCodeRecord): boolean {
    return this.nowMs() >= record.expiresMs;
  }

  /** Approves or declines a pending, unexpired code; clears its auto-approval timer. */
  settleDeviceCode(userCode: string, outcome: 'approved' | 'declined', username?: string): boolean {
    const record = this.findDeviceCodeByUserCode(userCode);
    if (!record || record.status !== 'pending' || this.isExpired(record)) return false;
    if (outcome === 'approved') {
      const user = username ? this.findUser(username) : this.users[0];
      if (!user) return false;
      record.username = user.username;
    }
    if (record.timer) clearTimeout(record.timer);
    delete record.timer;
    record.status = outcome;
    return true;
  }

  listDeviceCodes(): DeviceCodeRecord[] {
    return this.deviceCodes.list();
  }

  /** Clears every timer (called by stop()). */
  dispose(): void {
    this.deviceCodes.dispose();
  }
}
