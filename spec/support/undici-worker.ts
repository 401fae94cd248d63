// Child process for the undici-parts spec: one grant against an emulator in this process, then
// whether undici's main file was loaded (its CommonJS files land in require.cache).
import { createRequire } from 'node:module';
import { EMULATOR_DEMO, clientCredentialsGrant, startEmulator } from '../../lib/index.js';
import { loadUndici } from '../../lib/http/undici.js';

const require = createRequire(import.meta.url);
const main = require.resolve('undici');
const emu = await startEmulator();
try {
  const token = await clientCredentialsGrant({
    authorityHost: emu.url,
    tenant: EMULATOR_DEMO.tenantDomain,
    clientId: EMULATOR_DEMO.confidentialClient.clientId,
    clientSecret: EMULATOR_DEMO.confidentialClient.secret,
    resource: 'https://contoso.operations.dynamics.com',
  });
  const mainLoaded = Object.keys(require.cache).includes(main);
  process.stdout.write(JSON.stringify({ resource: token.resource, mainLoaded, from: (await loadUndici()).from }));
} finally {
  await emu.stop();
}
