// The whole-file read and read-modify-write of a config file, for specs that test the file itself.
import { openConfigFile, type ConfigFileHandle } from '../../lib/config/file.js';

export function configFile(file: string, warnings: string[] = []): ConfigFileHandle {
  return openConfigFile(file, { onWarning: (message) => warnings.push(message) });
}
