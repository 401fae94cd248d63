// The update every Redis fleet process makes: refresh the LCS session with the refresh_token grant if
// it expires within 5 minutes, else keep it. What the token provider will do; no store calls here.
import { refreshTokenGrant } from '../../lib/index.js';
import { sessionWithToken } from '../../lib/session/records.js';
import type { SessionChange, SessionRecord } from '../../lib/session/types.js';

export interface RefreshOutcome {
  refreshed: boolean;
  expiresAt: number | undefined;
}

/** An `updateSession` fn; `clientId` overrides the session's (a process's own config). */
export function refreshIfExpiring(clientId?: string): (current: SessionRecord | undefined) => Promise<SessionChange<RefreshOutcome>> {
  return async (current) => {
    if (current?.refreshToken === undefined || current.clientId === undefined) throw new Error('no LCS session is saved');
    if ((current.expiresAt ?? 0) - Date.now() > 5 * 60_000) return { result: { refreshed: false, expiresAt: current.expiresAt } };
    const token = await refreshTokenGrant({
      authorityHost: current.authorityHost,
      tenant: current.tenant,
      clientId: clientId ?? current.clientId,
      refreshToken: current.refreshToken,
      resource: current.resource,
    });
    const next = sessionWithToken(current, token);
    return { session: next, result: { refreshed: true, expiresAt: token.expiresAt } };
  };
}
