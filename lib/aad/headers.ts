// The request headers every AAD call carries (correlation id, client identification, Accept).
import { arch, platform } from 'node:os';
import { randomUUID } from 'node:crypto';
import { VERSION } from '../version.js';

const OS = platform();
const CPU = arch();
const USER_AGENT = `d365fo-auth/${VERSION} (node ${process.version}; ${OS} ${CPU})`;

export function aadHeaders(correlationId: string | undefined, post: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'client-request-id': correlationId ?? randomUUID(),
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
