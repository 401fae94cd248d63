// The request headers every AAD call carries (correlation id, client identification, Accept).
import { randomUUID } from 'node:crypto';
import { VERSION } from '../version.js';

const USER_AGENT = `d365fo-auth/${VERSION} (node ${process.version}; ${process.platform} ${process.arch})`;

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
    'x-client-os': process.platform,
    'x-client-cpu': process.arch,
    'user-agent': USER_AGENT,
  };
  if (post) headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8';
  return headers;
}
