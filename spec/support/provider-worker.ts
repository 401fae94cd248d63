// Child process for the cross-process provider test: one getToken() on a shared config file,
// started together with its siblings; prints the access token's length and the refresh count seen.
import { createTokenProvider, openConfigStore } from '../../lib/index.js';

const [configPath, authorityHost, goAt] = process.argv.slice(2) as [string, string, string];
const provider = createTokenProvider({ store: openConfigStore({ path: configPath }), authorityHost });
// start at the same instant as the sibling process
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
const token = await provider.getToken();
process.stdout.write(JSON.stringify({ expiresAt: token.expiresAt }));
