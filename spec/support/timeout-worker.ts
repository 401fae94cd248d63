// Child process for the timeout spec: one client-credentials grant against a hostile peer, with a
// timeout and an optional abort; prints what ended it and when. The parent sets the proxy env.
import { EMULATOR_DEMO, clientCredentialsGrant } from '../../lib/index.js';

const [authorityHost, timeoutMs, abortAfterMs] = process.argv.slice(2) as [string, string, string?];
const started = Date.now();
// how long the process took to get here (start-up), so the parent can judge how long it lingers after
const startupMs = Math.round(performance.now());
const signal = abortAfterMs === undefined ? undefined : AbortSignal.timeout(Number(abortAfterMs));
try {
  await clientCredentialsGrant({
    authorityHost,
    tenant: EMULATOR_DEMO.tenantDomain,
    clientId: EMULATOR_DEMO.confidentialClient.clientId,
    clientSecret: EMULATOR_DEMO.confidentialClient.secret,
    resource: 'https://contoso.operations.dynamics.com',
    timeoutMs: Number(timeoutMs),
    signal,
  });
  process.stdout.write(JSON.stringify({ code: 'none', ms: Date.now() - started, startupMs }));
} catch (error) {
  process.stdout.write(JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message, ms: Date.now() - started, startupMs }));
}
