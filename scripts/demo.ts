// The demo behind `npm start`: starts the AAD v1 emulator on loopback and runs the main jobs
// against it (LCS password grant, refresh, OData client credentials, device code, and an MFA account
// that the password grant refuses signing in with the browser), printing a report.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EMULATOR_DEMO,
  decodeClaims,
  getLcsApiToken,
  getLcsApiTokenInteractive,
  OAuthError,
  getODataToken,
  getODataTokenInteractive,
  isD365AuthError,
  openConfigStore,
  refreshLcsApiToken,
  remainingMinutes,
  startEmulator,
  type AadToken,
} from '../lib/index.js';

const AUTO_APPROVE_SECONDS = 4;
const out = (line = '') => process.stdout.write(`${line}\n`);

function describe(token: AadToken): string {
  const claims = decodeClaims(token);
  const who = claims.upn ?? `app ${String(claims.appid)}`;
  return `${String(who)} | aud ${String(claims.aud)} | expires in ${remainingMinutes(token)} min | refresh token: ${token.refreshToken ? 'yes' : 'no'}`;
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ autoApproveDeviceCodeAfterSeconds: AUTO_APPROVE_SECONDS, deviceCodeIntervalSeconds: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'd365fo-auth-demo-'));
  const store = openConfigStore({ path: join(dir, 'config.json') });
  const common = { authorityHost: emulator.url, store };
  try {
    out(`d365fo-auth demo — AAD v1 emulator at ${emulator.url} (tenant ${emulator.tenantDomain})`);
    out();

    out('1. LCS API: password grant (Get-D365LcsApiToken)');
    const lcs = await getLcsApiToken({
      ...common,
      clientId: EMULATOR_DEMO.publicClient.clientId,
      username: EMULATOR_DEMO.user.username,
      password: EMULATOR_DEMO.user.password,
      lcsApiUri: 'https://lcsapi.lcs.dynamics.com',
    });
    out(`   ${describe(lcs)}`);
    await store.lcs.set(lcs);

    out('2. LCS API: refresh (Invoke-D365LcsApiRefreshToken)');
    const refreshed = await refreshLcsApiToken({ ...common, clientId: EMULATOR_DEMO.publicClient.clientId });
    await store.lcs.set(refreshed);
    out(`   ${describe(refreshed)} | new refresh token: ${refreshed.refreshToken !== lcs.refreshToken ? 'yes' : 'no'}`);

    out('3. OData: client credentials (Get-D365ODataToken)');
    const app = await getODataToken({
      ...common,
      tenant: emulator.tenantDomain,
      url: 'https://contoso.operations.dynamics.com/',
      clientId: EMULATOR_DEMO.confidentialClient.clientId,
      clientSecret: EMULATOR_DEMO.confidentialClient.secret,
    });
    out(`   ${describe(app)}`);

    out('4. OData: device code (Get-D365ODataTokenInteractive)');
    const person = await getODataTokenInteractive({
      ...common,
      tenant: emulator.tenantDomain,
      url: 'https://contoso.operations.dynamics.com',
      timeoutSeconds: 60,
      onDeviceCode: (code) => {
        out(`   code ${code.userCode} at ${code.verificationUrl}`);
        out(`   (open it to sign in as ${EMULATOR_DEMO.user.username}; the emulator approves by itself after ${AUTO_APPROVE_SECONDS} s if nobody does)`);
      },
    });
    out(`   ${describe(person)}`);

    out('5. LCS API: an account under MFA, with the password grant');
    const mfa = EMULATOR_DEMO.mfaUser;
    const refused = await getLcsApiToken({ ...common, clientId: EMULATOR_DEMO.publicClient.clientId, username: mfa.username, password: mfa.password }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(refused instanceof OAuthError)) throw new Error('the password grant was expected to refuse the MFA account');
    out(`   refused: ${refused.aadsts} | what to do: ${refused.remedy}`);

    out('6. LCS API: the same account signs in with the browser (authorization code + PKCE)');
    const browser = await getLcsApiTokenInteractive({
      ...common,
      clientId: EMULATOR_DEMO.publicClient.clientId,
      method: 'browser',
      timeoutSeconds: 30,
      // stands in for a person at a browser: the emulator completes its sign-in page (MFA approved)
      // and the redirect goes back to the loopback listener, as the browser would send it
      openBrowser: async (url) => {
        const redirect = await emulator.completeAuthorization(url, { username: mfa.username, password: mfa.password });
        await (await fetch(redirect)).text();
        return true;
      },
    });
    out(`   ${describe(browser)} | sign-in methods: ${String(decodeClaims(browser).amr)}`);

    out();
    out('All six flows worked. Against a real tenant, drop `authorityHost` (or pass');
    out('https://login.microsoftonline.us / https://login.chinacloudapi.cn for the national clouds),');
    out('use your own app registration id and account, for example:');
    out('  npx d365fo-auth lcs login --browser --client-id <app id>');
    out('  printf %s "$PASSWORD" | npx d365fo-auth lcs login --username svc-lcs@contoso.com --client-id <app id> --password-stdin');
    out('  npx d365fo-auth odata login --tenant contoso.onmicrosoft.com --url https://contoso.operations.dynamics.com');
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${isD365AuthError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
