// The request headers every AAD call carries (correlation id, client identification, Accept).
// node:crypto is taken with process.getBuiltinModule rather than imported: the ES module wrapper
// Node makes for an imported built-in reads every export, and node:crypto's lazy ones then load
// Web Crypto (six more internal modules) on the first request, which never uses it.
import { VERSION } from '../version.js';

const OS = process.platform;
const CPU = process.arch;
const USER_AGENT = `d365fo-auth/${VERSION} (node ${process.version}; ${OS} ${CPU})`;
const { randomUUID } = process.getBuiltinModule('node:crypto');

/** A new correlation id, sent as the client-request-id header. */
export function newCorrelationId(): string {
  return randomUUID();
}

export function aadHeaders(correlationId: string | undefined, post: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'client-request-id': correlationId ?? newCorrelationId(),
    'return-client-request-id': 'true',
    'x-client-sku': 'd365fo-auth',
    'x-client-ver': VERSION,
    'x-client-os': OS,
    'x-client-cpu': CPU,
    'user-agent': USER_AGENT,
  };
  if (post) headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8';
  return headers;
}
