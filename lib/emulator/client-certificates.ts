// A client's registered certificates: parsed once (one RSA X.509 PEM each), found by SHA-1/SHA-256 thumbprint. Verifies nothing.
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';

export interface RegisteredCertificate {
  /** Upper-case hex, as the portal shows thumbprints. */
  sha1Hex: string;
  sha256Hex: string;
  publicKey: KeyObject;
  notBeforeMs: number;
  notAfterMs: number;
}

/** Parses one registered certificate; throws a TypeError naming `where` when it is not one RSA X.509 PEM. */
export function registerCertificate(pem: unknown, where: string): RegisteredCertificate {
  const text = typeof pem === 'string' ? pem : Buffer.isBuffer(pem) ? pem.toString('utf8') : undefined;
  if (text === undefined) throw new TypeError(`startEmulator(): ${where} must be a PEM string or Buffer`);
  const count = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (count !== 1) throw new TypeError(`startEmulator(): ${where} must hold exactly one PEM certificate (-----BEGIN CERTIFICATE-----), found ${count}`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(text);
  } catch (e) {
    throw new TypeError(`startEmulator(): ${where} is not an X.509 certificate: ${(e as Error).message}`);
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`startEmulator(): ${where} has a ${cert.publicKey.asymmetricKeyType ?? 'non-RSA'} key; client assertions are RS256/PS256, so the key must be RSA`);
  }
  return {
    sha1Hex: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
    sha256Hex: createHash('sha256').update(cert.raw).digest('hex').toUpperCase(),
    publicKey: cert.publicKey,
    notBeforeMs: Date.parse(cert.validFrom),
    notAfterMs: Date.parse(cert.validTo),
  };
}

/** The certificate whose SHA-1 (`x5t`) or SHA-256 (`x5t#S256`) thumbprint is `hex`. */
export function findCertificate(certificates: readonly RegisteredCertificate[], kind: 'sha1' | 'sha256', hex: string): RegisteredCertificate | undefined {
  return certificates.find((c) => (kind === 'sha1' ? c.sha1Hex : c.sha256Hex) === hex);
}
