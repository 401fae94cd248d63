// The client certificate seam: the exact signed assertion (every header field and claim, decoded
// and verified with jose), a fresh one per request and per retry, the checks made before anything
// is sent, and no key material in any error or printed object.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import { clientCredentialsGrant, InputError, passwordGrant, refreshTokenGrant } from '../../../lib/index.js';
import { createSelfSignedCertificate } from '../../../lib/emulator/certificate.js';
import { mockTransport } from '../../support/msw.js';
import { fakeClock } from '../../support/clock.js';
import { CLIENT_ID, HOST, MANAGED_REALM, RESOURCE, TENANT_ID, ests, rejects, tokenBody } from '../../support/aad.js';

const CERT = createSelfSignedCertificate({ commonName: 'd365fo-auth unit' });
const OTHER = createSelfSignedCertificate({ commonName: 'another key' });
const ODATA = 'https://contoso.operations.dynamics.com';
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

function appOnly() {
  const { refresh_token: _r, id_token: _i, scope: _s, ...rest } = tokenBody({ resource: ODATA });
  return rest;
}

async function assertionOf(form: URLSearchParams): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown>; jwt: string }> {
  assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  assert.equal(form.has('client_secret'), false);
  const jwt = form.get('client_assertion')!;
  return { header: decodeProtectedHeader(jwt) as Record<string, unknown>, claims: decodeJwt(jwt) as Record<string, unknown>, jwt };
}

describe('client certificate assertions', () => {
  it('RS256 with x5t = base64url(SHA-1 of the DER), aud = the token endpoint without query, iss = sub = client id, fresh jti, nbf = iat = now, exp = now + 600', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(appOnly())));
    await clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, resource: ODATA, clientCertificate: { privateKey: CERT.privateKeyPem, certificate: CERT.certificatePem }, fetch: m.fetch, clock: fakeClock(NOW) });
    const { header, claims, jwt } = await assertionOf(m.requests[0]!.form);
    const der = new X509Certificate(CERT.certificatePem).raw;
    assert.deepEqual(header, { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') });
    assert.equal(Buffer.from(header['x5t'] as string, 'base64url').toString('hex').toUpperCase(), CERT.sha1Thumbprint);
    assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
    assert.equal(claims['aud'], `${HOST}/${TENANT_ID}/oauth2/token`);
    assert.equal(claims['iss'], CLIENT_ID);
    assert.equal(claims['sub'], CLIENT_ID);
    assert.match(claims['jti'] as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(claims['nbf'], NOW / 1000);
    assert.equal(claims['iat'], NOW / 1000);
    assert.equal(claims['exp'], NOW / 1000 + 600);
    // the signature verifies with the certificate's public key
    await compactVerify(jwt, await importX509(CERT.certificatePem, 'RS256'));
  });

  it('sha256: PS256 with x5t#S256 (never a SHA-256 value under x5t); x5c: the chain, leaf first, as standard base64 DER', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(appOnly())));
    const chain = `${CERT.certificatePem}\n${OTHER.certificatePem}`;
    await clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, resource: ODATA, clientCertificate: { privateKey: CERT.privateKeyPem, certificate: chain, sha256: true, x5c: true }, fetch: m.fetch, clock: fakeClock(NOW) });
    const { header, jwt } = await assertionOf(m.requests[0]!.form);
    const der = new X509Certificate(CERT.certificatePem).raw;
    assert.equal(header['alg'], 'PS256');
    assert.equal(header['x5t'], undefined);
    assert.equal(header['x5t#S256'], createHash('sha256').update(der).digest('base64url'));
    assert.deepEqual(header['x5c'], [der.toString('base64'), new X509Certificate(OTHER.certificatePem).raw.toString('base64')]);
    await compactVerify(jwt, await importX509(CERT.certificatePem, 'PS256'));
  });

  it('a fresh assertion for every request, retries included; the refresh and password grants of a confidential client carry one too', async () => {
    let answered = 0;
    const m = mockTransport(
      http.get('*/common/UserRealm/:upn', () => ests(MANAGED_REALM)),
      http.post('*/:tenant/oauth2/token', () => (answered++ === 0 ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '1' } }) : ests(tokenBody()))),
    );
    const clientCertificate = { privateKey: CERT.privateKeyPem, certificate: CERT.certificatePem };
    await refreshTokenGrant({ clientId: CLIENT_ID, refreshToken: 'rt-4711', resource: RESOURCE, clientCertificate, fetch: m.fetch, clock: fakeClock(NOW) });
    const [first, retry] = await Promise.all(m.requests.slice(0, 2).map((r) => assertionOf(r.form)));
    assert.notEqual(first!.claims['jti'], retry!.claims['jti']);
    assert.equal(m.requests[1]!.form.get('refresh_token'), 'rt-4711');
    await passwordGrant({ clientId: CLIENT_ID, username: 'svc@contoso.com', password: 'pw-4711', resource: RESOURCE, clientCertificate, fetch: m.fetch, clock: fakeClock(NOW) });
    const password = await assertionOf(m.requests.at(-1)!.form);
    assert.equal(password.claims['aud'], `${HOST}/common/oauth2/token`);
  });

  it('accepts a PKCS#1 key, an encrypted PEM with its passphrase, and a KeyObject', async () => {
    const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(appOnly())));
    const key = createPrivateKey(CERT.privateKeyPem);
    const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }) as string;
    const encrypted = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-pass-4711' }) as string;
    for (const clientCertificate of [
      { privateKey: pkcs1, certificate: CERT.certificatePem },
      { privateKey: encrypted, passphrase: 'key-pass-4711', certificate: CERT.certificatePem },
      { privateKey: key, certificate: CERT.certificatePem },
    ]) {
      await clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, resource: ODATA, clientCertificate, fetch: m.fetch });
    }
    assert.equal(m.requests.length, 3);
  });

  describe('checked before anything is sent; the key never shows', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a key that does not belong to the certificate', { privateKey: OTHER.privateKeyPem, certificate: CERT.certificatePem }, /^clientCertificate\.privateKey does not belong to clientCertificate\.certificate \(thumbprint [0-9A-F]{40}\): use the key the certificate was issued for\.$/],
      ['an encrypted key without its passphrase', { privateKey: 'ENCRYPTED', certificate: CERT.certificatePem }, /^clientCertificate\.privateKey could not be read: give a PEM private key .*openssl pkcs12 -in cert\.pfx -out cert\.pem -nodes/],
      ['a certificate that is not PEM (a PFX, say)', { privateKey: CERT.privateKeyPem, certificate: 'MIIKcQIBAzCCCjcGCSqGSIb3DQEHAaCCCigEggokMIIKIDCC' }, /^clientCertificate\.certificate must be the PEM text of the certificate .*openssl pkcs12/],
      ['an EC key', { privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, certificate: CERT.certificatePem }, /^clientCertificate\.privateKey must be an RSA private key\.$/],
    ];
    for (const [what, certificate, message] of cases) {
      it(`refuses ${what}`, async () => {
        const m = mockTransport(http.post('*/:tenant/oauth2/token', () => ests(appOnly())));
        const input = { ...certificate };
        if (input['privateKey'] === 'ENCRYPTED') {
          input['privateKey'] = createPrivateKey(CERT.privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' });
        }
        const error = await rejects<InputError>(clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, resource: ODATA, clientCertificate: input as never, fetch: m.fetch }), {
          class: InputError,
          code: 'ERR_INVALID_INPUT',
        });
        assert.match(error.message, message);
        assert.equal(error.option, 'clientCertificate');
        assert.equal(m.requests.length, 0);
        const shown = `${error.message}\n${error.stack}\n${inspect(error, { depth: null, showHidden: true })}`;
        assert.ok(!shown.includes('PRIVATE KEY') && !shown.includes(CERT.privateKeyPem.split('\n')[1]!), shown);
      });
    }

    it('refuses a secret and a certificate together', async () => {
      await rejects(clientCredentialsGrant({ tenant: TENANT_ID, clientId: CLIENT_ID, resource: ODATA, clientSecret: 's', clientCertificate: { privateKey: CERT.privateKeyPem, certificate: CERT.certificatePem } }), {
        class: InputError,
        code: 'ERR_INVALID_INPUT',
        message: 'Give clientSecret or clientCertificate, not both.',
      });
    });
  });
});
