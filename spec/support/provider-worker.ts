// Child process for the cross-process provider specs: getToken() (or refresh()) on a shared config
// file, `count` times, each on a fresh provider as separate commands would; started together with
// its siblings at `goAt`. Prints one JSON line per call: the token's expiry, or the error's code.
import { createTokenProvider, openConfigStore } from '../../lib/index.js';

const [configPath, goAt, mode = 'token', count = '1', timeoutMs = '5000'] = process.argv.slice(2) as [string, string, string?, string?, string?];
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  const provider = createTokenProvider({ store: openConfigStore({ path: configPath }), timeoutMs: Number(timeoutMs) });
  try {
    const token = mode === 'refresh' ? await provider.refresh() : await provider.getToken();
    process.stdout.write(`${JSON.stringify({ expiresAt: token.expiresAt })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message })}\n`);
  }
}
