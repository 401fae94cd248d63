// The test-only TLS fixture (fixtures/tls) for serving the emulator over https, and an https Agent that trusts it. Tests only.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';

const dir = new URL('../../fixtures/tls/', import.meta.url);

/** PEM key and certificate for 127.0.0.1 / localhost; pass as `startEmulator({ tls })`. */
export const testTls = {
  key: readFileSync(new URL('key.pem', dir)),
  cert: readFileSync(new URL('cert.pem', dir)),
};

/** An https Agent that trusts only the fixture certificate (no global trust change). */
export function trustingAgent(): Agent {
  return new Agent({ ca: testTls.cert, keepAlive: false });
}
