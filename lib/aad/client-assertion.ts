// A client certificate turned into signed client assertions (RFC 7523, as Entra ID expects them):
// RS256 + `x5t` (SHA-1 thumbprint) by default, PS256 + `x5t#S256` when asked, `x5c` optionally.
// It checks the key against the certificate before anything is sent, and never shows the key.
import { X509Certificate, createHash, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose/jwt/sign';
import { InputError } from '../errors.js';

export interface ClientCertificate {
  /** PEM (PKCS#8, or PKCS#1 RSA; encrypted PEM with `passphrase`) or a KeyObject. */
  privateKey: string | KeyObject;
  /** PEM of the certificate registered on the app (a chain may follow it, leaf first). */
  certificate: string;
  /** Passphrase of an encrypted PEM key. */
  passphrase?: string | undefined;
  /** Send the certificate chain (`x5c`) for subject-name + issuer registration. */
  x5c?: boolean | undefined;
  /** PS256 with `x5t#S256` instead of RS256 with `x5t` (SHA-1). */
  sha256?: boolean | undefined;
}

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_LIFETIME_SECONDS = 600;

const PFX_HINT = 'A PFX/PKCS#12 file is not read directly: convert it with `openssl pkcs12 -in cert.pfx -out cert.pem -nodes` and pass the key and certificate PEM.';

/** A signer of assertions for one client and certificate; the key is checked against the certificate once. */
export interface AssertionSigner {
  /** A fresh assertion (new jti, nbf = iat = now, exp = now + 600 s) for the token endpoint `audience`. */
  sign(audience: string, nowSeconds: number): Promise<string>;
  /** Hex SHA-1 thumbprint of the certificate (what the Azure portal shows). */
  readonly thumbprint: string;
}

function pemBlocks(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
}

/** Checks a client certificate (key parses, matches the certificate, RSA) and returns its signer. */
export function assertionSigner(clientId: string, input: ClientCertificate, option = 'clientCertificate'): AssertionSigner {
  if (typeof input !== 'object' || input === null) throw new InputError(`${option} must be an object with privateKey and certificate.`, 'ERR_INVALID_INPUT', option);
  if (typeof input.certificate !== 'string' || !input.certificate.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(`${option}.certificate must be the PEM text of the certificate (-----BEGIN CERTIFICATE-----). ${PFX_HINT}`, 'ERR_INVALID_INPUT', option);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.certificate);
  } catch {
    throw new InputError(`${option}.certificate could not be read as an X.509 certificate in PEM. ${PFX_HINT}`, 'ERR_INVALID_INPUT', option);
  }
  let key: KeyObject;
  try {
    key =
      typeof input.privateKey === 'string'
        ? createPrivateKey(input.passphrase === undefined ? input.privateKey : { key: input.privateKey, passphrase: input.passphrase })
        : input.privateKey;
  } catch {
    // node's message may quote the key material: it is not passed on
    throw new InputError(
      `${option}.privateKey could not be read: give a PEM private key (PKCS#8 or PKCS#1 RSA; an encrypted one with its passphrase) or a KeyObject. ${PFX_HINT}`,
      'ERR_INVALID_INPUT',
      option,
    );
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new InputError(`${option}.privateKey must be an RSA private key.`, 'ERR_INVALID_INPUT', option);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new InputError(`${option}.privateKey does not belong to ${option}.certificate (thumbprint ${certificate.fingerprint.replace(/:/g, '')}): use the key the certificate was issued for.`, 'ERR_INVALID_INPUT', option);
  }
  const der = certificate.raw;
  const sha256 = input.sha256 === true;
  const header: Record<string, unknown> = sha256
    ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(der).digest('base64url') }
    : { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') };
  if (input.x5c === true) header['x5c'] = pemBlocks(input.certificate);
  return {
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sign(audience, now) {
      return new SignJWT({ aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + ASSERTION_LIFETIME_SECONDS })
        .setProtectedHeader(header as { alg: string })
        .sign(key);
    },
  };
}
