// Token minting: the RS256 signing key made at start, v1 access tokens, unsigned id_tokens, the JWKS. No HTTP, no policy.
import { randomBytes, randomUUID } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';
import type { ClientAuthMethod } from './client-auth.js';
import type { EmulatorClient } from './types.js';
import { stableGuid, type UserRecord } from './state.js';

/** ESTS backdates iat/nbf by five minutes; `not_before` in v1 responses shows it. */
const BACKDATE_SECONDS = 300;

export interface Subject {
  tenantId: string;
  client: EmulatorClient;
  resource: string;
  /** Absent for app-only (client_credentials) tokens. */
  user?: UserRecord;
  /** amr claim for user tokens. */
  amr?: string[];
  /** How the client authenticated: appidacr 0 (none), 1 (secret) or 2 (certificate). */
  auth: ClientAuthMethod;
}

export interface MintedTimes {
  iat: number;
  nbf: number;
  exp: number;
}

const APPIDACR: Record<ClientAuthMethod, string> = { none: '0', secret: '1', certificate: '2' };

/** jose's signing code, loaded when the first emulator starts (a bundled CLI must not load it for other commands). */
type Jose = typeof import('jose');

export class TokenMinter {
  private constructor(
    private readonly jose: Jose,
    private readonly privateKey: CryptoKey,
    readonly kid: string,
    private readonly publicJwk: JWK,
  ) {}

  static async create(): Promise<TokenMinter> {
    const jose = await import('jose');
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const jwk = await jose.exportJWK(publicKey);
    const kid = await jose.calculateJwkThumbprint(jwk, 'sha256');
    return new TokenMinter(jose, privateKey, kid, { ...jwk, kid, x5t: kid, use: 'sig', alg: 'RS256' });
  }

  /** The JWKS document served at /common/discovery/keys. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }

  times(nowSeconds: number, lifetimeSeconds: number): MintedTimes {
    const iat = nowSeconds - BACKDATE_SECONDS;
    return { iat, nbf: iat, exp: nowSeconds + lifetimeSeconds };
  }

  /** A v1 access token (RS256, `kid` and `x5t` in the header). */
  async accessToken(s: Subject, t: MintedTimes): Promise<string> {
    const iss = `https://sts.windows.net/${s.tenantId}/`;
    const claims: Record<string, unknown> = {
      aud: s.resource,
      iss,
      iat: t.iat,
      nbf: t.nbf,
      exp: t.exp,
      aio: randomBytes(24).toString('base64url'),
      appid: s.client.clientId,
      appidacr: APPIDACR[s.auth],
      tid: s.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    if (s.user) {
      const [given, ...rest] = s.user.name.split(' ');
      Object.assign(claims, {
        acr: '1',
        amr: s.amr ?? ['pwd'],
        family_name: rest.join(' ') || given,
        given_name: given,
        ipaddr: '127.0.0.1',
        name: s.user.name,
        oid: s.user.oid,
        scp: 'user_impersonation',
        sub: s.user.oid,
        unique_name: s.user.username,
        upn: s.user.username,
      });
    } else {
      const spOid = servicePrincipalOid(s.tenantId, s.client.clientId);
      Object.assign(claims, { idp: iss, oid: spOid, sub: spOid });
      if (s.client.roles?.length) claims['roles'] = s.client.roles;
    }
    return new this.jose.SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid })
      .sign(this.privateKey);
  }
}

/** Deterministic per app, like a service principal's object id. */
export function servicePrincipalOid(tenantId: string, clientId: string): string {
  return stableGuid(`sp/${tenantId}/${clientId.toLowerCase()}`);
}

/** An unsigned v1 id_token: header {"typ":"JWT","alg":"none"}, empty signature segment. */
export function unsignedIdToken(tenantId: string, clientId: string, user: UserRecord, t: MintedTimes, amr: string[] = ['pwd']): string {
  const [given, ...rest] = user.name.split(' ');
  const payload = {
    aud: clientId,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    amr,
    family_name: rest.join(' ') || given,
    given_name: given,
    ipaddr: '127.0.0.1',
    name: user.name,
    oid: user.oid,
    sub: user.oid,
    tid: tenantId,
    unique_name: user.username,
    upn: user.username,
    ver: '1.0',
  };
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ typ: 'JWT', alg: 'none' })}.${enc(payload)}.`;
}

/** A fresh GUID for x-ms-request-id / trace ids. */
export const newTraceId = (): string => randomUUID();
