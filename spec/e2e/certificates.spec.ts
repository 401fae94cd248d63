// Client certificates end to end against the emulator: every grant that identifies a client gets a
// token with a signed assertion (RS256 + x5t, PS256 + x5t#S256), an OData config saved with
// certificate file paths is used by getODataToken, and the failures answer AADSTS errors with remedies:
// a key that is not registered, an expired certificate, a machine clock off by an hour.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  OAuthError,
  authorizationCodeGrant,
  clientCredentialsGrant,
  createAuthorizationRequest,
  decodeClaims,
  getODataToken,
  openConfigStore,
  passwordGrant,
  refreshTokenGrant,
  signInWithBrowser,
  startEmulator,
  type EmulatorHandle,
} from '../../lib/index.js';
import { createSelfSignedCertificate } from '../../lib/emulator/certificate.js';

const ODATA = 'https://contoso.operations.dynamics.com';
const LCS = 'https://lcsapi.lcs.dynamics.com';
const APP = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const EXPIRED_APP = '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e';
const USER = { username: 'svc@contoso.onmicrosoft.com', password: 'Svc-Passw0rd!' };
const CERT = createSelfSignedCertificate({ commonName: 'd365fo-auth app' });
const STRANGER = createSelfSignedCertificate({ commonName: 'not registered' });
const EXPIRED = createSelfSignedCertificate({ commonName: 'expired', notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 30 * 86_400_000) });
const cert = (c: ReturnType<typeof createSelfSignedCertificate>, extra: Record<string, unknown> = {}) => ({ privateKey: c.privateKeyPem, certificate: c.certificatePem, ...extra });

describe('client certificates against the emulator', () => {
  let emu: EmulatorHandle;
  let dir: string;

  before(async () => {
    emu = await startEmulator({
      users: [USER],
      clients: [
        { clientId: APP, certificates: [CERT.certificatePem] },
        { clientId: EXPIRED_APP, certificates: [EXPIRED.certificatePem] },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-certificates-'));
  });
  after(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const common = () => ({ authorityHost: emu.url, tenant: emu.tenantDomain, clientId: APP });

  it('client credentials with RS256 + x5t, and with PS256 + x5t#S256', async () => {
    for (const clientCertificate of [cert(CERT), cert(CERT, { sha256: true }), cert(CERT, { x5c: true })]) {
      const token = await clientCredentialsGrant({ ...common(), resource: ODATA, clientCertificate });
      assert.equal(decodeClaims(token).appid, APP);
      assert.equal(decodeClaims(token).appidacr, '2');
    }
  });

  it('a confidential client\'s password grant, its refresh, and an authorization code redeemed with the certificate', async () => {
    const first = await passwordGrant({ ...common(), username: USER.username, password: USER.password, resource: LCS, clientCertificate: cert(CERT) });
    const refreshed = await refreshTokenGrant({ ...common(), refreshToken: first.refreshToken!, resource: LCS, clientCertificate: cert(CERT) });
    assert.equal(decodeClaims(refreshed).upn, USER.username);
    const request = createAuthorizationRequest({ ...common(), resource: LCS, redirectUri: 'http://localhost:8400' });
    const code = new URL(await emu.completeAuthorization(request.url, USER)).searchParams.get('code')!;
    const redeemed = await authorizationCodeGrant({ ...common(), code, redirectUri: request.redirectUri, codeVerifier: request.codeVerifier, resource: LCS, clientCertificate: cert(CERT) });
    assert.equal(decodeClaims(redeemed).upn, USER.username);
    const browser = await signInWithBrowser({
      ...common(),
      resource: LCS,
      clientCertificate: cert(CERT),
      openBrowser: async (url) => {
        await (await fetch(await emu.completeAuthorization(url, USER))).text();
        return true;
      },
    });
    assert.equal(decodeClaims(browser).appidacr, '2');
  });

  it('an OData config saved with certificate file paths (never the key) gets its token through getODataToken', async () => {
    const certificateFile = join(dir, 'app.crt.pem');
    const keyFile = join(dir, 'app.key.pem');
    writeFileSync(certificateFile, CERT.certificatePem);
    writeFileSync(keyFile, CERT.privateKeyPem, { mode: 0o600 });
    const store = openConfigStore({ path: join(dir, 'config.json') });
    await store.odata.add('Prod', { tenant: emu.tenantDomain, url: ODATA, clientId: APP, certificateFile, keyFile, authorityHost: emu.url });
    const token = await getODataToken({ store });
    assert.equal(decodeClaims(token).appid, APP);
    const summary = (await store.odata.list())[0]!;
    assert.equal(summary.certificateFile, certificateFile);
    const saved = JSON.stringify(await store.show());
    assert.ok(!saved.includes('PRIVATE KEY'));
  });

  it('a key that is not registered on the app: AADSTS700027 with its remedy', async () => {
    await assert.rejects(clientCredentialsGrant({ ...common(), resource: ODATA, clientCertificate: cert(STRANGER) }), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.aadsts, 'AADSTS700027');
      assert.equal(error.remedy, 'The certificate is not registered on the app, or the thumbprint/key pair does not match: upload this certificate to the app registration.');
      return true;
    });
  });

  it('an expired registered certificate is refused (AADSTS700027)', async () => {
    await assert.rejects(clientCredentialsGrant({ ...common(), clientId: EXPIRED_APP, resource: ODATA, clientCertificate: cert(EXPIRED) }), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.aadsts, 'AADSTS700027');
      assert.match(String(error.errorDescription), /expired/);
      return true;
    });
  });

  it('this machine\'s clock an hour behind the authority\'s: the assertion is outside its window (AADSTS700024, check the clock)', async () => {
    const ahead = await startEmulator({ clockOffsetSeconds: 3600, clients: [{ clientId: APP, certificates: [CERT.certificatePem] }] });
    try {
      await assert.rejects(clientCredentialsGrant({ authorityHost: ahead.url, tenant: ahead.tenantDomain, clientId: APP, resource: ODATA, clientCertificate: cert(CERT) }), (error: unknown) => {
        assert.ok(error instanceof OAuthError);
        assert.equal(error.aadsts, 'AADSTS700024');
        assert.equal(error.remedy, 'The client assertion is outside its valid time range: check this machine\'s clock.');
        return true;
      });
    } finally {
      await ahead.stop();
    }
  });
});
