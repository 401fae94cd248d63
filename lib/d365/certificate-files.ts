// A client certificate saved as file paths (an OData config's certificateFile / keyFile), read when
// it is used: the key material itself is never saved. Read errors name the file, never its content.
import { readFile } from 'node:fs/promises';
import type { ClientCertificate } from '../aad/client-auth.js';
import { ConfigError } from '../errors.js';

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError(`Cannot read the ${what} ${file}${code ? ` (${code})` : ''}: check the path saved with the OData config.`, file, 'ERR_CONFIG_IO');
  }
}

/** The certificate (and its key: from keyFile, or the same PEM file) of a config that has one. */
export async function certificateOf(
  cfg: { certificateFile?: string | undefined; keyFile?: string | undefined; x5c?: boolean | undefined; sha256?: boolean | undefined },
  passphrase?: string,
): Promise<ClientCertificate> {
  const certificate = await readPem(cfg.certificateFile!, 'certificate file');
  const privateKey = cfg.keyFile === undefined ? certificate : await readPem(cfg.keyFile, 'key file');
  if (!/-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/.test(privateKey)) {
    throw new ConfigError(
      `No private key found in ${cfg.keyFile ?? cfg.certificateFile}: give the key's PEM file with the key file option, or a PEM holding both (openssl pkcs12 -in cert.pfx -out cert.pem -nodes).`,
      cfg.keyFile ?? cfg.certificateFile,
    );
  }
  return { certificate, privateKey, passphrase, x5c: cfg.x5c, sha256: cfg.sha256 };
}
