// The process-wide cache of user-realm discovery results (per authority host and domain). Storage only: no I/O.
import type { UserRealm } from './user-realm.js';

export const realmCache = new Map<string, Promise<UserRealm>>();

/** Forgets cached realm results (tests, or after an account moved). */
export function clearUserRealmCache(): void {
  realmCache.clear();
}
