// createSelfSignedCertificate(): an RSA key and a self-signed X.509 v3 certificate built as DER with node:crypto only. Not a CA tool.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bitString, boolean, explicit, implicit, integer, ipAddressBytes, nullValue, octetString, oid, sequence, set, time, utf8String } from './der.js';

export interface SelfSignedCertificateOptions {
  /** Subject and issuer CN (1-64 characters). */
  commonName: string;
  /** Default: one hour ago (clock skew), whole seconds. */
  notBefore?: Date;
  /** Default: notBefore + 365 days. May be in the past (an expired certificate, for tests). */
  notAfter?: Date;
  /** subjectAltName DNS names, e.g. ['localhost']. */
  dnsNames?: string[];
  /** subjectAltName IP addresses (IPv4 or IPv6), e.g. ['127.0.0.1', '::1']. */
  ipAddresses?: string[];
  /** RSA modulus size, 2048 (default) to 16384. */
  keyBits?: number;
}

export interface SelfSignedCertificate {
  /** PKCS#8 PEM of the RSA private key. */
  privateKeyPem: string;
  certificatePem: string;
  /** Upper-case hex SHA-1 of the certificate's DER: the portal's "Thumbprint", what x5t encodes. */
  sha1Thumbprint: string;
  /** Upper-case hex SHA-256 of the certificate's DER: what x5t#S256 encodes. */
  sha256Thumbprint: string;
}

const OID = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const DAY_MS = 86_400_000;

const fail = (message: string): never => {
  throw new TypeError(`createSelfSignedCertificate(): ${message}`);
};

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

function checkedDate(value: Date | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return fail(`${name} must be a valid Date`);
  return new Date(Math.floor(value.getTime() / 1000) * 1000);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A fresh RSA key and a self-signed certificate for it (basicConstraints CA:TRUE so it can be its own
 * trust anchor, keyUsage digitalSignature/keyEncipherment/keyCertSign, extKeyUsage serverAuth/clientAuth).
 */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): SelfSignedCertificate {
  const { commonName, dnsNames = [], ipAddresses = [], keyBits = 2048 } = options ?? fail('options are required');
  if (typeof commonName !== 'string' || commonName.length < 1 || commonName.length > 64) fail('commonName must be a string of 1 to 64 characters');
  if (!Number.isInteger(keyBits) || keyBits < 2048 || keyBits > 16384) fail(`keyBits must be an integer from 2048 to 16384, got ${keyBits}`);
  if (!Array.isArray(dnsNames) || !dnsNames.every((d) => typeof d === 'string' && d.length <= 253 && DNS_NAME.test(d))) {
    fail('dnsNames must be an array of DNS names (letters, digits, hyphens, dots; an optional leading *.)');
  }
  if (!Array.isArray(ipAddresses)) fail('ipAddresses must be an array of IP addresses');
  const ips = ipAddresses.map((ip) => (typeof ip === 'string' && ipAddressBytes(ip)) || fail(`'${String(ip)}' is not an IPv4 or IPv6 address`));
  const notBefore = checkedDate(options.notBefore, 'notBefore') ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  const notAfter = checkedDate(options.notAfter, 'notAfter') ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  if (notAfter.getTime() <= notBefore.getTime()) fail('notAfter must be later than notBefore');

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: keyBits });
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
  const algorithm = sequence(oid(OID.sha256WithRSA), nullValue());
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, 16 bytes, never zero (RFC 5280 §4.1.2.2)

  const extensions = [
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    // digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5): 101001xx, two unused bits
    extension(OID.keyUsage, true, bitString(Buffer.from([0xa4]), 2)),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))),
  ];
  if (dnsNames.length || ips.length) {
    const names = [...dnsNames.map((d) => implicit(2, Buffer.from(d, 'ascii'))), ...ips.map((b) => implicit(7, b))];
    extensions.push(extension(OID.subjectAltName, false, sequence(...names)));
  }

  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const der = sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: pem('CERTIFICATE', der),
    sha1Thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256Thumbprint: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}
