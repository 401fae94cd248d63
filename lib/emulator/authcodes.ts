// Authorization codes: issued, found by SHA-256, single-use, ten minutes, forgotten from the head. No HTTP, no redemption rules.
import { createHash, randomBytes } from 'node:crypto';

/** Doc v2-code gives about ten minutes (UNCONFIRMED for v1, PROTOCOL.md §14.3). */
export const AUTH_CODE_LIFETIME_MS = 10 * 60_000;
/** An expired code is remembered this much longer, so a late redemption hears "expired", not "unknown". */
const GRACE_MS = 10 * 60_000;
/** Codes remembered at most; issuing one more forgets the oldest. */
export const MAX_AUTH_CODES = 10_000;

/** What the authorize leg decided; the token leg must match it. */
export interface AuthCodeGrant {
  clientId: string;
  /** The redirect_uri exactly as sent to /authorize. */
  redirectUri: string;
  resource: string;
  /** The tenant path segment of the authorize request, as sent. */
  tenant: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  username: string;
  amr: string[];
}

export interface AuthCodeRecord extends AuthCodeGrant {
  expiresMs: number;
  redeemed: boolean;
}

const digest = (code: string): string => createHash('sha256').update(code).digest('base64');

export class AuthCodeStore {
  /** Insertion order is expiry order: every code lives AUTH_CODE_LIFETIME_MS on one clock. */
  private readonly byDigest = new Map<string, AuthCodeRecord>();

  constructor(private readonly nowMs: () => number) {}

  get size(): number {
    return this.byDigest.size;
  }

  issue(grant: AuthCodeGrant): string {
    const now = this.nowMs();
    for (const [key, r] of this.byDigest) {
      if (r.expiresMs + GRACE_MS > now && this.byDigest.size < MAX_AUTH_CODES) break;
      this.byDigest.delete(key);
    }
    const code = `AQABAAIAAAD--DLA3VO7QrddgJg7WevrAgAA${randomBytes(96).toString('base64url')}`;
    this.byDigest.set(digest(code), { ...grant, expiresMs: now + AUTH_CODE_LIFETIME_MS, redeemed: false });
    return code;
  }

  find(code: string): AuthCodeRecord | undefined {
    return this.byDigest.get(digest(code));
  }

  isExpired(record: AuthCodeRecord): boolean {
    return this.nowMs() >= record.expiresMs;
  }
}
