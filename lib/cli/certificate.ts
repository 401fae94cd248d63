// Client certificates given as files (--certificate-file, --key-file): read and checked before
// anything is saved or sent (the files exist, hold a PEM certificate and an RSA private key, the key
// belongs to the certificate, an encrypted key opens with its passphrase), and described for
// `odata config show` (thumbprint, subject, expiry). Messages name the files, never their content.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientCertificate } from '../index.js';
import { secretOf } from './common.js';
import { UsageError } from './errors.js';
import type { Context, OptionTable } from './table.js';

/** The certificate flags of `odata token`, `odata config add` and `token --resource`. */
export const CERTIFICATE_OPTIONS: OptionTable = {
  'certificate-file': { type: 'string', value: 'F', kind: 'path', description: 'PEM file of the client certificate (and its key, unless --key-file)' },
  'key-file': { type: 'string', value: 'F', kind: 'path', description: "PEM file of the certificate's private key" },
  x5c: { type: 'boolean', description: 'send the certificate chain in the assertion (subject name + issuer registration)' },
  'key-passphrase-stdin': { type: 'boolean', description: 'read the passphrase of an encrypted key from stdin (else env D365FO_KEY_PASSPHRASE); never saved' },
};

const KEY_PEM = /-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/;
const PFX_HINT = 'convert a .pfx with `openssl pkcs12 -in cert.pfx -out cert.pem -nodes`';
/** A certificate that expires within this many days is warned about. */
export const EXPIRY_WARNING_DAYS = 30;

export interface CertificateFiles {
  /** Absolute paths (what a config saves). */
  certificateFile: string;
  keyFile: string | undefined;
}

export interface CheckedCertificate extends CertificateFiles {
  /** For the library: the PEM texts and the passphrase, read now. */
  credential: ClientCertificate;
  info: CertificateInfo;
}

export interface CertificateInfo {
  /** Hex SHA-1 of the DER, upper case: what the Azure portal shows. */
  thumbprint: string;
  subject: string;
  /** ISO 8601. */
  notAfter: string;
  /** Whole days left (negative: expired that many days ago). */
  expiresInDays: number;
}

async function readText(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not allowed to read it' : code === 'EISDIR' ? 'it is a folder' : `cannot be read (${code ?? 'error'})`;
    throw new UsageError(`${flag} ${file}: ${why}.`);
  }
}

/** What a certificate says about itself. */
export function describeCertificate(certificate: X509Certificate, now = Date.now()): CertificateInfo {
  const notAfter = Date.parse(certificate.validTo);
  return {
    thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(),
    subject: certificate.subject.replace(/\n/g, ', '),
    notAfter: new Date(notAfter).toISOString(),
    expiresInDays: Math.floor((notAfter - now) / 86_400_000),
  };
}

/** The warning for a certificate that has expired or expires within 30 days, else undefined. */
export function expiryWarning(info: CertificateInfo, file: string): string | undefined {
  if (info.expiresInDays < 0) return `the certificate in ${file} (thumbprint ${info.thumbprint}) expired on ${info.notAfter}: Entra ID refuses it; upload a new one to the app registration and point the config at it.`;
  if (info.expiresInDays <= EXPIRY_WARNING_DAYS) return `the certificate in ${file} (thumbprint ${info.thumbprint}) expires on ${info.notAfter}, in ${info.expiresInDays} days: renew it and upload the new one to the app registration.`;
  return undefined;
}

/** The first certificate of a PEM file, or a usage error naming the file. */
export async function readCertificate(file: string): Promise<{ pem: string; certificate: X509Certificate }> {
  const pem = await readText(file, '--certificate-file');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--certificate-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); ${PFX_HINT}.`);
  try {
    return { pem, certificate: new X509Certificate(pem) };
  } catch {
    throw new UsageError(`--certificate-file ${file}: its certificate could not be read as X.509 PEM; ${PFX_HINT}.`);
  }
}

/** The passphrase of an encrypted key: --key-passphrase-stdin, else D365FO_KEY_PASSPHRASE; never saved. */
export function keyPassphraseOf(ctx: Context): Promise<string | undefined> {
  return secretOf(ctx, 'key-passphrase-stdin', 'D365FO_KEY_PASSPHRASE');
}

/**
 * Reads and checks a certificate and its key (from `keyFile`, else from the certificate's own file):
 * an error names what is wrong before anything is saved or sent: a usage error (exit 2) for files
 * given as flags, or what `problem` makes of the message (a saved config's files: a config problem).
 */
export async function checkCertificateFiles(
  certificateFile: string,
  keyFile: string | undefined,
  passphrase: string | undefined,
  x5c = false,
  problem: (message: string) => Error = (message) => new UsageError(message),
): Promise<CheckedCertificate> {
  try {
    return await check(certificateFile, keyFile, passphrase, x5c);
  } catch (error) {
    // a missing passphrase is the caller's to give, whatever the files' origin
    if (error instanceof UsageError && !(error instanceof PassphraseNeeded)) throw problem(error.message);
    throw error;
  }
}

class PassphraseNeeded extends UsageError {}

async function check(certificateFile: string, keyFile: string | undefined, passphrase: string | undefined, x5c: boolean): Promise<CheckedCertificate> {
  const files: CertificateFiles = { certificateFile: path.resolve(certificateFile), keyFile: keyFile === undefined ? undefined : path.resolve(keyFile) };
  const { pem, certificate } = await readCertificate(files.certificateFile);
  const keyPath = files.keyFile ?? files.certificateFile;
  const keyPem = files.keyFile === undefined ? pem : await readText(files.keyFile, '--key-file');
  if (!KEY_PEM.test(keyPem)) {
    throw new UsageError(
      files.keyFile === undefined
        ? `--certificate-file ${files.certificateFile} holds no private key: give the key's PEM file with --key-file, or one PEM with both (${PFX_HINT}).`
        : `--key-file ${files.keyFile} holds no PEM private key (-----BEGIN PRIVATE KEY-----); ${PFX_HINT}.`,
    );
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem);
  if (encrypted && passphrase === undefined) {
    throw new PassphraseNeeded(`the private key in ${keyPath} is encrypted: give its passphrase with --key-passphrase-stdin or D365FO_KEY_PASSPHRASE (it is never saved).`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined || !encrypted ? keyPem : { key: keyPem, passphrase });
  } catch {
    // node's message may quote key material: not passed on
    throw new UsageError(encrypted ? `the private key in ${keyPath} could not be opened with the passphrase given.` : `the private key in ${keyPath} could not be read as PEM (PKCS#8, or PKCS#1 RSA).`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UsageError(`the private key in ${keyPath} is ${key.asymmetricKeyType ? `an ${key.asymmetricKeyType.toUpperCase()} key` : 'no RSA key'}; client assertions are signed with an RSA key (RS256).`);
  }
  const info = describeCertificate(certificate);
  if (!certificate.checkPrivateKey(key)) {
    throw new UsageError(`the private key in ${keyPath} does not belong to the certificate in ${files.certificateFile} (thumbprint ${info.thumbprint}): give the key the certificate was issued for.`);
  }
  return { ...files, credential: { certificate: pem, privateKey: keyPem, passphrase: encrypted ? passphrase : undefined, x5c }, info };
}
