// The emulator on the public surface: it (a server, token signing, a certificate maker) is loaded
// when first used, so an application that only asks for tokens never loads it.
import type { EmulatorHandle, EmulatorOptions } from './emulator/types.js';
import type { SelfSignedCertificate, SelfSignedCertificateOptions } from './emulator/certificate.js';

const load = () => import('./emulator/index.js');

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return (await load()).startEmulator(options);
}

/** A key and self-signed certificate made with node:crypto (the emulator's `--tls`, test certificates). */
export async function createSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<SelfSignedCertificate> {
  return (await load()).createSelfSignedCertificate(options);
}
