// Device codes: issue, find by user code or device code in O(1), forget expired ones from the head. No HTTP, no auto-approval.
import { createHash, randomBytes, randomInt } from 'node:crypto';

export interface DeviceCodeRecord {
  deviceCode: string;
  userCode: string;
  clientId: string;
  resource: string;
  expiresMs: number;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  username?: string;
  timer?: NodeJS.Timeout;
}

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A settled or expired device code is forgotten this long after its expiry. */
export const DEVICE_CODE_GRACE_MS = 10 * 60_000;

/** Lookups go through the code's SHA-256, so no comparison ever runs over the secret itself. */
const digest = (deviceCode: string): string => createHash('sha256').update(deviceCode).digest('base64');

export class DeviceCodeStore {
  /** Insertion order is expiry order: every code of one emulator lives equally long on one clock. */
  private readonly byUserCode = new Map<string, DeviceCodeRecord>();
  private readonly byDigest = new Map<string, DeviceCodeRecord>();

  constructor(
    private readonly nowMs: () => number,
    private readonly lifetimeMs: number,
  ) {}

  get size(): number {
    return this.byUserCode.size;
  }

  create(clientId: string, resource: string): DeviceCodeRecord {
    this.forgetOld();
    let userCode = '';
    do {
      userCode = Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
    } while (this.byUserCode.has(userCode));
    const record: DeviceCodeRecord = {
      deviceCode: `DAQABAAEAAAD--DLA3VO7QrddgJg7WevrAgAA.${randomBytes(64).toString('base64url')}`,
      userCode,
      clientId,
      resource,
      expiresMs: this.nowMs() + this.lifetimeMs,
      status: 'pending',
    };
    this.byUserCode.set(userCode, record);
    this.byDigest.set(digest(record.deviceCode), record);
    return record;
  }

  /** By user code, as a person types it (any case, spaces and dashes ignored). */
  findByUserCode(userCode: string): DeviceCodeRecord | undefined {
    return this.byUserCode.get(userCode.trim().toUpperCase().replace(/[\s-]/g, ''));
  }

  findByDeviceCode(deviceCode: string): DeviceCodeRecord | undefined {
    return this.byDigest.get(digest(deviceCode));
  }

  /** Drops codes that expired over DEVICE_CODE_GRACE_MS ago (a late poll still hears code_expired before that). */
  forgetOld(): void {
    const horizon = this.nowMs() - DEVICE_CODE_GRACE_MS;
    for (const r of this.byUserCode.values()) {
      if (r.expiresMs > horizon) break;
      if (r.timer) clearTimeout(r.timer);
      this.byUserCode.delete(r.userCode);
      this.byDigest.delete(digest(r.deviceCode));
    }
  }

  list(): DeviceCodeRecord[] {
    return [...this.byUserCode.values()];
  }

  /** Clears every timer (called by stop()). */
  dispose(): void {
    for (const r of this.byUserCode.values()) if (r.timer) clearTimeout(r.timer);
  }
}
