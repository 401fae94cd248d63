// startEmulator() for the public surface: the emulator (a server, token signing) is loaded when it
// is first started, so an application that only asks for tokens never loads it.
import type { EmulatorHandle, EmulatorOptions } from './emulator/types.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = await import('./emulator/index.js');
  return emulator.startEmulator(options);
}
