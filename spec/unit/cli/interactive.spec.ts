// The pieces of the sign-in commands that decide without I/O: whether a browser can be opened (and
// what is said about the choice), az's local expiry text and JSON shape, and when a certificate's
// expiry is warned about.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeCertificate, expiryWarning } from '../../../lib/cli/certificate.js';
import { canOpenBrowser, defaultMethod } from '../../../lib/cli/interactive.js';
import type { CliIo } from '../../../lib/cli/io.js';
import type { Context } from '../../../lib/cli/table.js';
import { azJson, azLocalTime } from '../../../lib/cli/token.js';
import { parseSerializedToken } from '../../../lib/index.js';

function io(env: Record<string, string | undefined>, platform: NodeJS.Platform, tty = true): CliIo & { err: () => string } {
  let stderr = '';
  return {
    stdout: { write: () => {} },
    stderr: { write: (text) => void (stderr += text), isTTY: tty },
    readStdin: async () => '',
    env,
    platform,
    err: () => stderr,
  };
}

describe('choosing the sign-in method', () => {
  it('a browser on a desktop terminal (DISPLAY or WAYLAND_DISPLAY on Linux, always on macOS and Windows); never under CI or off a terminal', () => {
    assert.equal(canOpenBrowser(io({ DISPLAY: ':0' }, 'linux')), true);
    assert.equal(canOpenBrowser(io({ WAYLAND_DISPLAY: 'wayland-0' }, 'freebsd')), true);
    assert.equal(canOpenBrowser(io({}, 'linux')), false);
    assert.equal(canOpenBrowser(io({}, 'darwin')), true);
    assert.equal(canOpenBrowser(io({}, 'win32')), true);
    assert.equal(canOpenBrowser(io({ CI: 'true' }, 'darwin')), false);
    assert.equal(canOpenBrowser(io({ CI: '0', DISPLAY: ':0' }, 'linux')), true, 'CI=0 is not CI');
    assert.equal(canOpenBrowser(io({ DISPLAY: ':0' }, 'linux', false)), false);
  });

  it('says which method and why on stderr', () => {
    const cases: [CliIo & { err: () => string }, string, string][] = [
      [io({ DISPLAY: ':0' }, 'linux'), 'browser', 'Signing in with the browser (--device-code to use a code instead).\n'],
      [io({ CI: 'true' }, 'darwin'), 'device-code', 'Signing in with a device code (CI is set, so no browser is opened; --browser to use one anyway).\n'],
      [io({}, 'darwin', false), 'device-code', 'Signing in with a device code (no terminal, so no browser is opened; --browser to use one anyway).\n'],
      [io({}, 'linux'), 'device-code', 'Signing in with a device code (no desktop session: DISPLAY and WAYLAND_DISPLAY are empty, so no browser is opened; --browser to use one anyway).\n'],
    ];
    for (const [fake, method, said] of cases) {
      assert.equal(defaultMethod({ io: fake, values: {} } as unknown as Context), method);
      assert.equal(fake.err(), said);
    }
  });
});

describe('token --resource output', () => {
  it('expiresOn as az prints it: local "YYYY-MM-DD HH:MM:SS.ffffff"', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    assert.equal(azLocalTime(at), '2026-01-02 03:04:05.067000');
  });

  it('--json: az\'s fields first, then this tool\'s; the server\'s expires_on and the local expiry kept apart', () => {
    const token = parseSerializedToken({
      tokenType: 'Bearer',
      accessToken: 'opaque-access',
      refreshToken: 'opaque-refresh',
      resource: 'https://api.powerplatform.com',
      expiresIn: 3600,
      expiresOn: 1_800_003_600,
      sentAt: new Date(1_800_000_000_000 - 120_000).toISOString(),
      expiresAt: new Date(1_800_003_600_000 - 120_000).toISOString(),
      clockSkewSeconds: 120,
      authorityHost: 'https://login.microsoftonline.com',
      tenant: 'contoso.onmicrosoft.com',
    });
    assert.deepEqual(azJson(token), {
      accessToken: 'opaque-access',
      expiresOn: azLocalTime(1_800_003_600_000),
      expires_on: 1_800_003_600,
      tenant: 'contoso.onmicrosoft.com',
      tokenType: 'Bearer',
      expiresOnEpoch: 1_800_003_600,
      expiresAt: '2027-01-15T08:58:00.000Z',
      refreshToken: 'opaque-refresh',
      resource: 'https://api.powerplatform.com',
      authorityHost: 'https://login.microsoftonline.com',
      clockSkewSeconds: 120,
    });
  });
});

describe('certificate expiry', () => {
  let dir: string;
  let certificate: X509Certificate;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-cert-unit-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '100', '-subj', '/CN=unit/O=Contoso'], { stdio: 'pipe' });
    certificate = new X509Certificate(readFileSync(join(dir, 'c.pem')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('thumbprint (SHA-1 of the DER, upper-case hex), subject on one line, days left', () => {
    const info = describeCertificate(certificate);
    assert.equal(info.thumbprint, certificate.fingerprint.replace(/:/g, ''));
    assert.match(info.thumbprint, /^[0-9A-F]{40}$/);
    assert.equal(info.subject, 'CN=unit, O=Contoso');
    assert.ok(info.expiresInDays === 99 || info.expiresInDays === 100);
  });

  it('no warning with more than 30 days left; a warning within 30; "expired" after', () => {
    const end = Date.parse(certificate.validTo);
    const day = 86_400_000;
    assert.equal(expiryWarning(describeCertificate(certificate, end - 31 * day - 1000), 'c.pem'), undefined);
    assert.match(expiryWarning(describeCertificate(certificate, end - 30 * day), 'c.pem')!, /^the certificate in c\.pem \(thumbprint [0-9A-F]{40}\) expires on .*, in 30 days: renew it/);
    assert.match(expiryWarning(describeCertificate(certificate, end + day), 'c.pem')!, /^the certificate in c\.pem \(thumbprint [0-9A-F]{40}\) expired on .*: Entra ID refuses it; upload a new one/);
  });
});
