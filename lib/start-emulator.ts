// startEmulator() for the public surface: loads the emulator (and jose's signing code) only when
// it is first started, so importing d365fo-auth stays cheap.
import type { EmulatorHandle, EmulatorOptions } from './emulator/types.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = await import('./emulator/index.js');
  return emulator.startEmulator(options);
}
