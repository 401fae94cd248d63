// `d365fo-auth token --resource URL`: this tool's `az account get-access-token --resource`, a token for
// any v1 resource (Power Platform, Dataverse, LCS, F&O): a person's (browser or device code) or an
// app's (client credentials with a secret or a certificate). Nothing is saved.
import {
  DEFAULT_INTERACTIVE_CLIENT_ID,
  clientCredentialsGrant,
  decodeClaims,
  pollDeviceCode,
  requestDeviceCode,
  signInWithBrowser,
  type AadToken,
  type ClientCertificate,
} from '../index.js';
import { CERTIFICATE_OPTIONS, checkCertificateFiles, keyPassphraseOf } from './certificate.js';
import { commonOf, jsonText, printToken, secretOf, stringOpt } from './common.js';
import { UsageError } from './errors.js';
import { SIGN_IN_UX_OPTIONS, defaultMethod, signInUx, signedInAs, type Method } from './interactive.js';
import { jsonOptions, type Command, type Context } from './table.js';

const two = (n: number) => String(n).padStart(2, '0');

/** An instant as az prints `expiresOn`: local date and time, "YYYY-MM-DD HH:MM:SS.ffffff". */
export function azLocalTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds() * 1000).padStart(6, '0')}`;
}

/** The tenant a token was issued in: its `tid` claim (display only), else the tenant it was asked of. */
function tenantOf(token: AadToken): string | undefined {
  try {
    const tid = decodeClaims(token.accessToken)['tid'];
    if (typeof tid === 'string' && tid !== '') return tid;
  } catch {
    // an opaque token: the tenant asked for
  }
  return token.tenant;
}

/**
 * `--json` as az prints it (accessToken, expiresOn as local time, expires_on, tenant, tokenType), plus
 * this tool's fields: expiresOnEpoch (the server's expires_on), expiresAt (local expiry, ISO 8601),
 * refreshToken, resource, authorityHost, clockSkewSeconds.
 */
export function azJson(token: AadToken): Record<string, unknown> {
  const out: Record<string, unknown> = {
    accessToken: token.accessToken,
    expiresOn: azLocalTime(token.expiresOn * 1000),
    expires_on: token.expiresOn,
    tenant: tenantOf(token),
    tokenType: token.tokenType,
    expiresOnEpoch: token.expiresOn,
    expiresAt: new Date(token.expiresAt).toISOString(),
    refreshToken: token.refreshToken,
    resource: token.resource,
    authorityHost: token.authorityHost,
    clockSkewSeconds: token.clockSkewSeconds || 0,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

type Credential = { clientSecret: string; from: string } | { clientCertificate: ClientCertificate; from: string };

/** The app credential the flags give (or D365FO_CLIENT_SECRET with --client-id and no sign-in method asked for). */
async function credentialOf(ctx: Context, asked: readonly string[]): Promise<Credential | undefined> {
  const certificateFile = stringOpt(ctx, 'certificate-file');
  if (certificateFile === undefined && (stringOpt(ctx, 'key-file') !== undefined || ctx.values.x5c === true)) {
    throw new UsageError(`${stringOpt(ctx, 'key-file') !== undefined ? '--key-file' : '--x5c'} goes with --certificate-file.`);
  }
  if (ctx.values['key-passphrase-stdin'] === true && ctx.values['client-secret-stdin'] === true) throw new UsageError('--client-secret-stdin and --key-passphrase-stdin cannot both read stdin.');
  if (certificateFile !== undefined) {
    const checked = await checkCertificateFiles(certificateFile, stringOpt(ctx, 'key-file'), await keyPassphraseOf(ctx), ctx.values.x5c === true);
    return { clientCertificate: checked.credential, from: `the certificate ${checked.info.thumbprint}` };
  }
  const secret = await secretOf(ctx, 'client-secret-stdin');
  if (secret !== undefined) return { clientSecret: secret, from: 'the secret from stdin' };
  const fromEnv = ctx.io.env.D365FO_CLIENT_SECRET;
  if (asked.length === 0 && fromEnv && stringOpt(ctx, 'client-id') !== undefined) return { clientSecret: fromEnv, from: 'the secret in D365FO_CLIENT_SECRET' };
  return undefined;
}

async function run(ctx: Context): Promise<number> {
  const asked = (['browser', 'device-code', 'client-secret-stdin', 'certificate-file'] as const).filter((name) => ctx.values[name] !== undefined);
  if (asked.length > 1) throw new UsageError(`give one way to get the token, not ${asked.map((name) => `--${name}`).join(' and ')}.`);
  const resource = stringOpt(ctx, 'resource')!;
  const tenant = stringOpt(ctx, 'tenant');
  const common = { ...commonOf(ctx), tenant, resource };
  const credential = await credentialOf(ctx, asked.filter((name) => name === 'browser' || name === 'device-code'));
  let token: AadToken;
  if (credential !== undefined) {
    const clientId = stringOpt(ctx, 'client-id');
    if (clientId === undefined) throw new UsageError('a client credential needs --client-id (the app registration it belongs to).');
    if (tenant === undefined) throw new UsageError("client credentials need --tenant (the app's tenant GUID or domain).");
    ctx.io.stderr.write(`Getting an app token (client credentials) for client id ${clientId} with ${credential.from}.\n`);
    const { from: _from, ...auth } = credential;
    token = await clientCredentialsGrant({ ...common, tenant, clientId, ...auth });
  } else {
    const method: Method = ctx.values.browser === true ? 'browser' : ctx.values['device-code'] === true ? 'device-code' : defaultMethod(ctx);
    const flag = stringOpt(ctx, 'client-id');
    const clientId = flag ?? DEFAULT_INTERACTIVE_CLIENT_ID;
    ctx.io.stderr.write(`Client id: ${clientId} (${flag !== undefined ? '--client-id' : 'the first-party public client; --client-id to use your own app'}).\n`);
    const ux = signInUx(ctx, method);
    try {
      if (method === 'browser') {
        token = await signInWithBrowser({ ...common, clientId, ...ux.options });
      } else {
        const code = await requestDeviceCode({ ...common, clientId });
        await ux.options.onDeviceCode(code);
        token = await pollDeviceCode(code, { ...commonOf(ctx), timeoutSeconds: ux.options.timeoutSeconds });
      }
    } finally {
      ux.done();
    }
    const who = signedInAs(token);
    ctx.io.stderr.write(`Signed in${who ? ` as ${who}` : ''}.\n`);
  }
  if (ctx.values.json !== true) return printToken(ctx, token);
  ctx.io.stdout.write(jsonText(azJson(token)));
  return 0;
}

export const tokenCommands: Command[] = [
  {
    path: ['token'],
    summary: 'A token for any v1 resource (Power Platform, Dataverse, LCS, F&O), like "az account get-access-token --resource"; nothing is saved.',
    options: {
      resource: { type: 'string', value: 'URL', kind: 'url', required: true, description: 'the resource, e.g. https://api.powerplatform.com or https://contoso.crm.dynamics.com' },
      tenant: { type: 'string', value: 'T', kind: 'tenant', description: 'tenant GUID or domain (required for client credentials; default for a person: common)' },
      'client-id': { type: 'string', value: 'ID', kind: 'guid', description: 'app registration id (default for a person: the first-party public client 1950a258-…)' },
      browser: { type: 'boolean', description: 'sign a person in with the browser (the default where one can be opened)' },
      'device-code': { type: 'boolean', description: 'sign a person in with a device code (the default elsewhere)' },
      'client-secret-stdin': { type: 'boolean', description: 'client credentials with a secret from stdin (or D365FO_CLIENT_SECRET with --client-id)' },
      ...CERTIFICATE_OPTIONS,
      ...SIGN_IN_UX_OPTIONS,
      ...jsonOptions('print JSON as az does (accessToken, expiresOn, tenant, tokenType) plus expiresOnEpoch, expiresAt, refreshToken, resource, authorityHost, clockSkewSeconds'),
    },
    examples: [
      'd365fo-auth token --resource https://api.powerplatform.com --json | jq -r .accessToken',
      'd365fo-auth token --resource https://contoso.crm.dynamics.com --device-code',
      "printf '%s' \"$SECRET\" | d365fo-auth token --resource https://api.powerplatform.com --tenant contoso.onmicrosoft.com --client-id 00000000-0000-0000-0000-000000000000 --client-secret-stdin",
      'd365fo-auth token --resource https://contoso.operations.dynamics.com --tenant contoso.onmicrosoft.com --client-id 00000000-0000-0000-0000-000000000000 --certificate-file app.pem',
    ],
    run,
  },
];
