// createSelfSignedCertificate(): certificates that Node's X509Certificate parses, openssl accepts, and an https
// server on 127.0.0.1 can serve to a client that trusts exactly that certificate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { get as httpsGet, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate, type SelfSignedCertificate } from '../../lib/emulator/certificate.js';
import { startEmulator } from '../../lib/emulator/index.js';

const NOT_BEFORE = new Date('2025-01-02T03:04:05.678Z');
const NOT_AFTER = new Date('2045-06-07T08:09:10Z');

function openssl(args: string[], input: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** GET / over https with `ca` as the only trust anchor; resolves with the body or rejects with the TLS error code. */
function fetchTrusting(port: number, servername: string, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/', servername, ...(ca ? { ca } : {}), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new Error(e.code ?? e.message), { code: e.code })));
  });
}

async function serve(cert: SelfSignedCertificate): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: cert.privateKeyPem, cert: cert.certificatePem }, (_req, res) => res.end('hello over tls'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('createSelfSignedCertificate()', () => {
  let cert: SelfSignedCertificate;
  let expired: SelfSignedCertificate;
  before(() => {
    cert = createSelfSignedCertificate({ commonName: 'localhost', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    expired = createSelfSignedCertificate({ commonName: 'expired.test', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z'), ipAddresses: ['127.0.0.1'] });
  });

  it('is a v3 certificate Node parses: names, validity to the second, SAN, self-signature, key, thumbprints', () => {
    const x = new X509Certificate(cert.certificatePem);
    assert.equal(x.subject, 'CN=localhost');
    assert.equal(x.issuer, 'CN=localhost');
    assert.equal(x.validFrom, 'Jan  2 03:04:05 2025 GMT');
    assert.equal(x.validTo, 'Jun  7 08:09:10 2045 GMT');
    assert.equal(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(x.ca, true);
    assert.ok(x.verify(x.publicKey), 'signed by its own key');
    assert.ok(x.checkPrivateKey(createPrivateKey(cert.privateKeyPem)));
    assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(cert.sha1Thumbprint, x.fingerprint.replaceAll(':', ''));
    assert.equal(cert.sha256Thumbprint, x.fingerprint256.replaceAll(':', ''));
    assert.match(cert.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(cert.certificatePem, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  });

  it('is accepted by openssl: readable text, and it verifies as its own trust anchor', () => {
    const text = openssl(['x509', '-noout', '-text'], cert.certificatePem);
    assert.match(text, /Version: 3 \(0x2\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /X509v3 Subject Alternative Name: \n\s+DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
    assert.match(text, /Digital Signature, Key Encipherment, Certificate Sign/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    const x = new X509Certificate(cert.certificatePem);
    assert.equal(openssl(['x509', '-noout', '-fingerprint', '-sha1'], cert.certificatePem).trim().toLowerCase(), `sha1 fingerprint=${x.fingerprint.toLowerCase()}`);
    const dir = mkdtempSync(join(tmpdir(), 'emulator-cert-'));
    try {
      const file = join(dir, 'cert.pem');
      writeFileSync(file, cert.certificatePem);
      assert.equal(openssl(['verify', '-CAfile', file, file], '').trim(), `${file}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses GeneralizedTime outside 1950-2049 (RFC 5280), which both parsers read back', () => {
    const far = createSelfSignedCertificate({ commonName: 'far', notBefore: new Date('1949-12-31T23:59:59Z'), notAfter: new Date('2050-01-01T00:00:00Z') });
    const x = new X509Certificate(far.certificatePem);
    assert.equal(x.validFrom, 'Dec 31 23:59:59 1949 GMT');
    assert.equal(x.validTo, 'Jan  1 00:00:00 2050 GMT');
    assert.match(openssl(['x509', '-noout', '-dates'], far.certificatePem), /notAfter=Jan  1 00:00:00 2050 GMT/);
  });

  describe('served by node:https on 127.0.0.1', () => {
    let server: Server;
    let port: number;
    let expiredServer: Server;
    let expiredPort: number;
    before(async () => {
      ({ server, port } = await serve(cert));
      ({ server: expiredServer, port: expiredPort } = await serve(expired));
    });
    after(() => {
      server.close();
      expiredServer.close();
    });

    it('a client trusting the certificate verifies it for 127.0.0.1 and for localhost', async () => {
      assert.equal(await fetchTrusting(port, '127.0.0.1', cert.certificatePem), 'hello over tls');
      assert.equal(await fetchTrusting(port, 'localhost', cert.certificatePem), 'hello over tls');
    });

    it('a client refuses it without trust, for a name it does not carry, and when it has expired', async () => {
      await assert.rejects(fetchTrusting(port, 'localhost'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      await assert.rejects(fetchTrusting(port, 'example.test', cert.certificatePem), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      await assert.rejects(fetchTrusting(expiredPort, '127.0.0.1', expired.certificatePem), { code: 'CERT_HAS_EXPIRED' });
    });

    it('startEmulator({ tls }) serves https with it', async () => {
      const emu = await startEmulator({ tls: { key: cert.privateKeyPem, cert: cert.certificatePem } });
      try {
        const keys = JSON.parse(await new Promise<string>((resolve, reject) => {
          httpsGet(`${emu.url}/common/discovery/keys`, { ca: cert.certificatePem, agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          }).on('error', reject);
        })) as { keys: unknown[] };
        assert.equal(keys.keys.length, 1);
        assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await emu.stop();
      }
    });
  });

  const bad: Array<[string, Parameters<typeof createSelfSignedCertificate>[0], string]> = [
    ['an empty commonName', { commonName: '' }, 'commonName must be a string of 1 to 64 characters'],
    ['a small key', { commonName: 'x', keyBits: 1024 }, 'keyBits must be an integer from 2048 to 16384, got 1024'],
    ['a bad DNS name', { commonName: 'x', dnsNames: ['bad name'] }, 'dnsNames must be an array of DNS names (letters, digits, hyphens, dots; an optional leading *.)'],
    ['a bad IP address', { commonName: 'x', ipAddresses: ['300.1.1.1'] }, "'300.1.1.1' is not an IPv4 or IPv6 address"],
    ['an invalid date', { commonName: 'x', notAfter: new Date('nope') }, 'notAfter must be a valid Date'],
    ['notAfter before notBefore', { commonName: 'x', notBefore: NOT_AFTER, notAfter: NOT_BEFORE }, 'notAfter must be later than notBefore'],
  ];
  for (const [name, options, message] of bad) {
    it(`refuses ${name} with a TypeError`, () => {
      assert.throws(() => createSelfSignedCertificate(options), { name: 'TypeError', message: `createSelfSignedCertificate(): ${message}` });
    });
  }
});
