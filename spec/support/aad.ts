// Realistic AAD v1 wire bodies and small assertion helpers for the protocol unit specs.
// Every token here is fake: unsigned JWT-shaped strings built from made-up claims.
import assert from 'node:assert/strict';
import { HttpResponse } from 'msw';

export const HOST = 'https://login.microsoftonline.com';
export const TENANT = 'contoso.onmicrosoft.com';
export const TENANT_ID = '72f988bf-0000-4000-8000-00000000c0de';
export const CLIENT_ID = '3c1e9a5b-7f42-4d8e-9b61-2a0f5e7d4c13';
export const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
export const USERNAME = 'svc-lcs@contoso.com';
export const CORRELATION_ID = '6f9619ff-8b86-4011-b42d-00c04fc964ff';

/** base64url of a JSON value. */
function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped fake access token (RS256 header, a fake signature segment). */
export function fakeAccessToken(claims: Record<string, unknown> = {}): string {
  const payload = {
    aud: RESOURCE,
    iss: `https://sts.windows.net/${TENANT_ID}/`,
    iat: 1795348500,
    nbf: 1795348500,
    exp: 1795352399,
    appid: CLIENT_ID,
    upn: USERNAME,
    scp: 'user_impersonation',
    tid: TENANT_ID,
    ver: '1.0',
    ...claims,
  };
  return `${b64({ typ: 'JWT', alg: 'RS256', x5t: 'fake-thumbprint', kid: 'fake-kid' })}.${b64(payload)}.ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw`;
}

/** The unsigned v1 id_token shape (`alg: none`, empty signature). */
export function fakeIdToken(): string {
  return `${b64({ typ: 'JWT', alg: 'none' })}.${b64({ aud: CLIENT_ID, iss: `https://sts.windows.net/${TENANT_ID}/`, upn: USERNAME, tid: TENANT_ID, ver: '1.0' })}.`;
}

export const ACCESS_TOKEN = fakeAccessToken();
export const REFRESH_TOKEN = '0.AXoA-fake-opaque-refresh-token-for-tests-only-000000';
export const ID_TOKEN = fakeIdToken();

/** A v1 token response body: numbers as strings, as v1 sends them. */
export function tokenBody(overrides: Record<string, unknown> = {}, sentAtSeconds = 1795348800): Record<string, unknown> {
  return {
    token_type: 'Bearer',
    scope: 'user_impersonation',
    expires_in: '3599',
    ext_expires_in: '3599',
    expires_on: String(sentAtSeconds + 3599),
    not_before: String(sentAtSeconds - 300),
    resource: RESOURCE,
    access_token: ACCESS_TOKEN,
    refresh_token: REFRESH_TOKEN,
    id_token: ID_TOKEN,
    ...overrides,
  };
}

/** The headers ESTS puts on its JSON answers. */
export function estsHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': 'a1b2c3d4-0000-4000-8000-000000001234',
    'x-ms-ests-server': '2.1.19125.5 - NEULR1 ProdSlices',
    ...extra,
  };
}

export const TRACE_ID = 'b4a8e6f1-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
export const SERVER_CORRELATION_ID = 'c7d2f0e9-1a2b-4c3d-9e8f-7a6b5c4d3e2f';
export const TIMESTAMP = '2026-11-22 12:00:00Z';

/** A v1 OAuth error body: description with the AADSTS prefix and the trace lines. */
export function errorBody(error: string, code: number | undefined, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const prefix = code === undefined ? '' : `AADSTS${code}: `;
  return {
    error,
    error_description: `${prefix}${text}\r\nTrace ID: ${TRACE_ID}\r\nCorrelation ID: ${SERVER_CORRELATION_ID}\r\nTimestamp: ${TIMESTAMP}`,
    error_codes: code === undefined ? [] : [code],
    timestamp: TIMESTAMP,
    trace_id: TRACE_ID,
    correlation_id: SERVER_CORRELATION_ID,
    ...(code === undefined ? {} : { error_uri: `https://login.microsoftonline.com/error?code=${code}` }),
    ...extra,
  };
}

/** An msw JSON answer with the ESTS headers. */
export function ests(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return HttpResponse.json(body as Record<string, unknown>, { status, headers: estsHeaders(headers) });
}

export function oauthError(status: number, error: string, code: number | undefined, text: string, extra: Record<string, unknown> = {}): Response {
  return ests(errorBody(error, code, text, extra), status);
}

export const MANAGED_REALM = {
  ver: '1.0',
  account_type: 'Managed',
  domain_name: 'contoso.com',
  cloud_instance_name: 'microsoftonline.com',
  cloud_audience_urn: 'urn:federation:MicrosoftOnline',
};

export const FEDERATED_REALM = {
  ver: '1.0',
  account_type: 'Federated',
  domain_name: 'fabrikam.com',
  federation_protocol: 'WSTrust',
  federation_metadata_url: 'https://sts.fabrikam.com/adfs/services/trust/mex',
  federation_active_auth_url: 'https://sts.fabrikam.com/adfs/services/trust/2005/usernamemixed',
  cloud_instance_name: 'microsoftonline.com',
  cloud_audience_urn: 'urn:federation:MicrosoftOnline',
};

export interface Expected {
  class: new (...args: never[]) => Error;
  code: string;
  message?: string | RegExp;
}

/** Awaits a rejection and checks its class, code and (exact) message; returns the error. */
export async function rejects<E extends Error = Error>(promise: Promise<unknown>, expected: Expected): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${expected.class.name} ${expected.code}, but it resolved`);
  assert.ok(caught instanceof expected.class, `expected ${expected.class.name}, got ${(caught as Error)?.name}: ${(caught as Error)?.message}`);
  assert.equal((caught as { code?: unknown }).code, expected.code, `code of: ${(caught as Error).message}`);
  if (typeof expected.message === 'string') assert.equal((caught as Error).message, expected.message);
  else if (expected.message) assert.match((caught as Error).message, expected.message);
  return caught as E;
}

export const DEVICE_CODE = 'DAQABAAEAAAD--DLA3VO7QrddgJg7WevrFakeDeviceCodeForTests0001';

/** The v1 devicecode answer: numbers as strings, `verification_url`. */
export function deviceCodeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user_code: 'FKCJ7WQ3B',
    device_code: DEVICE_CODE,
    verification_url: 'https://microsoft.com/devicelogin',
    expires_in: '900',
    interval: '5',
    message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FKCJ7WQ3B to authenticate.',
    ...overrides,
  };
}
