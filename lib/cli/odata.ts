// `d365fo-auth odata …`: a person's sign-in (device code or browser) saved as a config's session,
// tokens (the config's app credential or its signed-in user's session, or a one-off secret or
// certificate from flags), sign-out, and the named OData connection configs (add, set, list, show,
// use, remove).
import { ConfigError, DEFAULT_INTERACTIVE_CLIENT_ID, createTokenProvider, interactiveClientId, getODataToken, odataSessionId, getODataTokenInteractive, type AadToken, type ClientCertificate, type ConfigStore, type ODataConfig } from '../index.js';
import { CERTIFICATE_OPTIONS, checkCertificateFiles, describeCertificate, expiryWarning, keyPassphraseOf, readCertificate } from './certificate.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt, warn, withSessionStore } from './common.js';
import { UsageError } from './errors.js';
import { SIGN_IN_UX_OPTIONS, signInUx, signedInAs } from './interactive.js';
import { nearest } from './suggest.js';
import { JSON_DEFAULT_OPTIONS, JSON_OPTIONS, type Command, type Context, type OptionSpec } from './table.js';

const FO = 'https://contoso.operations.dynamics.com';
const APP_ID = '00000000-0000-0000-0000-000000000000';
const configOpt: OptionSpec = { type: 'string', value: 'NAME', kind: 'text', description: 'a saved OData config (default: the active one)' };
const tenantOpt: OptionSpec = { type: 'string', value: 'T', kind: 'tenant', description: 'tenant GUID or domain, e.g. contoso.onmicrosoft.com' };
const urlOpt: OptionSpec = { type: 'string', value: 'U', kind: 'url', description: `environment URL (the token's resource), e.g. ${FO}` };
const systemUrlOpt: OptionSpec = { type: 'string', value: 'U', kind: 'url', description: 'URL of the instance itself (default: --url)' };
const clientIdOpt: OptionSpec = { type: 'string', value: 'ID', kind: 'guid', description: 'app registration id' };

/** The stored name of a config typed in any case; an unknown name is refused with the nearest known one. */
async function storedName(store: ConfigStore, typed: string): Promise<string> {
  const names = (await store.odata.list()).map((cfg) => cfg.name);
  const found = names.find((name) => name.toLowerCase() === typed.toLowerCase());
  if (found !== undefined) return found;
  const near = nearest(typed, names);
  const lines =
    names.length === 0
      ? ['None is saved yet: add one with "d365fo-auth odata config add NAME --tenant T --url U".']
      : [near !== undefined ? `did you mean "${near}"?` : `The saved configs: ${names.join(', ')}.`];
  throw new UsageError(`there is no OData config named "${typed}".`, lines);
}

interface Target {
  /** Tenant, URL and client: the flags over the saved config. */
  cfg: Partial<ODataConfig>;
  /** The saved config's stored name; undefined when --tenant and --url say everything (nothing is read or saved). */
  name: string | undefined;
}

/** Tenant, URL and client from flags, else the named (or active) saved config. */
async function target(ctx: Context, store: ConfigStore): Promise<Target> {
  const typed = stringOpt(ctx, 'config');
  const tenant = stringOpt(ctx, 'tenant');
  const url = stringOpt(ctx, 'url');
  const clientId = stringOpt(ctx, 'client-id');
  if (typed !== undefined && (tenant !== undefined || url !== undefined)) throw new UsageError('give either --config NAME or --tenant and --url, not both.');
  let saved: ODataConfig | undefined;
  if (typed !== undefined) {
    saved = await store.odata.get(await storedName(store, typed));
  } else if (tenant === undefined || url === undefined) {
    saved = await store.odata.getActive();
    if (!saved) throw new UsageError('give --tenant and --url, or --config NAME, or make a config active with "d365fo-auth odata config use NAME".');
  }
  // the saved secret is not an own property (it never prints): copy it explicitly
  const cfg = { ...saved, clientSecret: saved?.clientSecret, ...(tenant === undefined ? {} : { tenant }), ...(url === undefined ? {} : { url }), ...(clientId === undefined ? {} : { clientId }) };
  return { cfg, name: saved?.name };
}

/** The authority: --authority-host / D365FO_AUTHORITY_HOST, else the config's own (a national cloud). */
function odataCommon(ctx: Context, cfg: Partial<ODataConfig>) {
  const common = commonOf(ctx);
  return { ...common, authorityHost: common.authorityHost ?? cfg.authorityHost };
}

async function login(ctx: Context): Promise<number> {
  const store = storeOf(ctx);
  const { cfg, name } = await target(ctx, store);
  const flag = stringOpt(ctx, 'client-id');
  const clientId = interactiveClientId(flag, cfg);
  const from =
    flag !== undefined
      ? '--client-id'
      : clientId === DEFAULT_INTERACTIVE_CLIENT_ID
        ? `the first-party public client${cfg.clientId !== undefined ? `; the config's client id is not marked --public-client` : ''}`
        : `OData config "${name}", a public client`;
  // a config with an app credential gets app tokens (odata token): a person's session would never be used
  const save = name !== undefined && cfg.clientSecret === undefined && cfg.certificateFile === undefined;
  const ux = signInUx(ctx, ctx.values.browser === true ? 'browser' : 'device-code');
  const common = odataCommon(ctx, cfg);
  const acquire = async (): Promise<AadToken> => {
    ctx.io.stderr.write(`Client id: ${clientId} (${from}).\n`);
    try {
      return await getODataTokenInteractive({ ...common, tenant: cfg.tenant, url: cfg.url, clientId, ...ux.options });
    } finally {
      ux.done();
    }
  };
  let savedIn = store.path;
  const token = save
    ? await withSessionStore(ctx, store, (sessions, where) => {
        savedIn = where;
        return createTokenProvider({ ...common, store: sessions, configStore: store, session: { odata: name } }).signIn(acquire, { clientId });
      })
    : await acquire();
  const who = signedInAs(token);
  const as = who ? ` as ${who}` : '';
  if (save) ctx.io.stderr.write(`Signed in${as}; session saved with OData config "${name}" in ${savedIn}.\n`);
  else if (name !== undefined) ctx.io.stderr.write(`Signed in${as}. Not saved: OData config "${name}" has a client credential, so "odata token" gets app tokens for it.\n`);
  else ctx.io.stderr.write(`Signed in${as}.\n`);
  return printToken(ctx, token);
}

/** A credential given for this call only: --certificate-file, --client-secret-stdin, or D365FO_CLIENT_SECRET where it applies. */
async function oneOffCredential(ctx: Context, cfg: Partial<ODataConfig>): Promise<{ clientSecret: string } | { clientCertificate: ClientCertificate } | undefined> {
  const certificateFile = stringOpt(ctx, 'certificate-file');
  if (certificateFile !== undefined && ctx.values['client-secret-stdin'] === true) throw new UsageError('give --client-secret-stdin or --certificate-file, not both.');
  if (ctx.values['key-passphrase-stdin'] === true && ctx.values['client-secret-stdin'] === true) throw new UsageError('--client-secret-stdin and --key-passphrase-stdin cannot both read stdin.');
  if (certificateFile === undefined && (stringOpt(ctx, 'key-file') !== undefined || ctx.values.x5c === true)) {
    throw new UsageError(`${stringOpt(ctx, 'key-file') !== undefined ? '--key-file' : '--x5c'} goes with --certificate-file.`);
  }
  if (certificateFile !== undefined) {
    const checked = await checkCertificateFiles(certificateFile, stringOpt(ctx, 'key-file'), await keyPassphraseOf(ctx), ctx.values.x5c === true);
    return { clientCertificate: checked.credential };
  }
  const fromStdin = await secretOf(ctx, 'client-secret-stdin');
  if (fromStdin !== undefined) return { clientSecret: fromStdin };
  // the environment's secret is for a confidential client id without a saved certificate
  const fromEnv = ctx.io.env.D365FO_CLIENT_SECRET;
  if (fromEnv && cfg.clientId !== undefined && cfg.publicClient !== true && cfg.certificateFile === undefined) return { clientSecret: fromEnv };
  return undefined;
}

async function token(ctx: Context): Promise<number> {
  const store = storeOf(ctx);
  const { cfg, name } = await target(ctx, store);
  const common = odataCommon(ctx, cfg);
  const oneOff = await oneOffCredential(ctx, cfg);
  if (oneOff !== undefined) {
    if (cfg.clientId === undefined) throw new UsageError('a client credential needs --client-id (the app registration it belongs to).');
    return printToken(ctx, await getODataToken({ ...common, tenant: cfg.tenant, url: cfg.url, clientId: cfg.clientId, ...oneOff }));
  }
  if (name === undefined) {
    throw new UsageError('--tenant and --url need --client-id and a credential: --client-secret-stdin, D365FO_CLIENT_SECRET or --certificate-file.', [
      'For a person\'s token, run "d365fo-auth odata login" (or save a config and sign in to it: "odata config add", then "odata login --config NAME").',
    ]);
  }
  // a saved config: its app credential (a certificate checked first), or its signed-in user's session; cached and refreshed once for all
  const keyPassphrase = await keyPassphraseOf(ctx);
  if (cfg.certificateFile !== undefined) {
    await checkCertificateFiles(cfg.certificateFile, cfg.keyFile, keyPassphrase, false, (message) => new ConfigError(`OData config "${name}": ${message}`, store.path));
  }
  const raw = stringOpt(ctx, 'min-validity');
  const minValiditySeconds = raw === undefined ? 300 : Number(raw);
  const token = await withSessionStore(ctx, store, (sessions) =>
    createTokenProvider({ ...commonOf(ctx), store: sessions, configStore: store, session: { odata: name }, keyPassphrase, minValiditySeconds }).getToken(),
  );
  return printToken(ctx, token);
}

/** The config changes the credential flags ask for, files checked; `set` may clear the other kind. */
async function credentialChanges(ctx: Context, saved: ODataConfig | undefined): Promise<Record<string, string | boolean | null>> {
  const certificateFile = stringOpt(ctx, 'certificate-file');
  const keyFile = stringOpt(ctx, 'key-file');
  const secretWanted = ctx.values['client-secret-stdin'] === true;
  const remove = ctx.values['remove-credential'] === true;
  if (certificateFile !== undefined && secretWanted) throw new UsageError('give --client-secret-stdin or --certificate-file, not both.');
  if (remove && (certificateFile !== undefined || keyFile !== undefined || secretWanted || ctx.values.x5c === true)) {
    throw new UsageError('--remove-credential goes alone: it removes the saved secret or certificate.');
  }
  if (ctx.values['key-passphrase-stdin'] === true && secretWanted) throw new UsageError('--client-secret-stdin and --key-passphrase-stdin cannot both read stdin.');
  const changes: Record<string, string | boolean | null> = {};
  if (remove) return { clientSecret: null, certificateFile: null, keyFile: null, x5c: null };
  if (secretWanted) {
    changes['clientSecret'] = (await secretOf(ctx, 'client-secret-stdin'))!;
    if (saved?.certificateFile !== undefined) Object.assign(changes, { certificateFile: null, keyFile: null, x5c: null });
  }
  const savedCertificate = saved?.certificateFile;
  if (certificateFile === undefined && (keyFile !== undefined || ctx.values.x5c === true) && savedCertificate === undefined) {
    throw new UsageError(`${keyFile !== undefined ? '--key-file' : '--x5c'} goes with --certificate-file.`);
  }
  if (certificateFile !== undefined || keyFile !== undefined) {
    // a new key for the saved certificate, or a new certificate (with its key here or in its own file)
    const checked = await checkCertificateFiles(certificateFile ?? savedCertificate!, keyFile ?? (certificateFile === undefined ? saved?.keyFile : undefined), await keyPassphraseOf(ctx));
    changes['certificateFile'] = checked.certificateFile;
    changes['keyFile'] = checked.keyFile ?? null;
    if (saved?.clientSecret !== undefined) changes['clientSecret'] = null;
    const warning = expiryWarning(checked.info, checked.certificateFile);
    if (warning) warn(ctx, warning);
  }
  if (ctx.values.x5c === true) changes['x5c'] = true;
  return changes;
}

export const odataCommands: Command[] = [
  {
    path: ['odata', 'login'],
    summary: "Sign a person in (device code, or --browser) and print a token; a saved config keeps the session for \"odata token\".",
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': { ...clientIdOpt, description: 'public client id (default: the config\'s if it is --public-client, else 1950a258-…)' },
      browser: { type: 'boolean', description: 'sign in with the browser instead of a device code (MFA and Conditional Access work)' },
      ...SIGN_IN_UX_OPTIONS,
      ...JSON_OPTIONS,
    },
    examples: [
      'd365fo-auth odata login --config Dev --browser   # then "d365fo-auth odata token --config Dev" refreshes it',
      `TOKEN=$(d365fo-auth odata login --tenant contoso.onmicrosoft.com --url ${FO})   # nothing saved`,
      'd365fo-auth odata login --timeout 600 --no-browser --no-clipboard --json',
    ],
    run: login,
  },
  {
    path: ['odata', 'token'],
    summary: "Print a token: a config's app credential or its signed-in session (cached, refreshed), or a one-off secret or certificate.",
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': clientIdOpt,
      'client-secret-stdin': { type: 'boolean', description: 'read a client secret from stdin for this call (else env D365FO_CLIENT_SECRET for a confidential client id)' },
      ...CERTIFICATE_OPTIONS,
      'min-validity': { type: 'string', value: 'SECONDS', kind: 'whole-seconds', description: "a saved config's cached token is used while valid this long (default 300)" },
      ...JSON_OPTIONS,
    },
    examples: [
      'd365fo-auth odata token   # the active config',
      'd365fo-auth odata token --config Dev --json',
      `D365FO_CLIENT_SECRET="$SECRET" d365fo-auth odata token --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID}`,
      `d365fo-auth odata token --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID} --certificate-file app.pem`,
    ],
    run: token,
  },
  {
    path: ['odata', 'logout'],
    args: '[NAME]',
    positionals: [0, 1],
    summary: 'Forget the signed-in session saved with an OData config (default: the active one); the config stays.',
    options: {},
    examples: ['d365fo-auth odata logout Dev', 'd365fo-auth odata logout   # the active config'],
    async run(ctx) {
      const store = storeOf(ctx);
      const typed = ctx.positionals[0];
      const name = typed === undefined ? (await store.odata.getActive())?.name : await storedName(store, typed);
      if (name === undefined) throw new UsageError('no OData config is active: name one ("d365fo-auth odata logout NAME").');
      const where = await withSessionStore(ctx, store, async (sessions, at) => {
        await sessions.updateSession(odataSessionId(name), async () => ({ session: null, result: undefined }));
        return at;
      });
      ctx.io.stderr.write(`Signed out of OData config "${name}": its session is removed from ${where}; the config stays.\n`);
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'add'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Save a named OData connection (the first one becomes active); a secret only with --client-secret-stdin, a certificate as file paths.',
    options: {
      tenant: { ...tenantOpt, required: true },
      url: { ...urlOpt, required: true },
      'system-url': systemUrlOpt,
      'client-id': clientIdOpt,
      'public-client': { type: 'boolean', description: 'the client id allows public client flows: "odata login" signs in with it' },
      'client-secret-stdin': { type: 'boolean', description: 'read a client secret from stdin and save it (nothing else saves one)' },
      ...CERTIFICATE_OPTIONS,
      force: { type: 'boolean', description: 'overwrite an existing config of that name' },
    },
    examples: [
      `d365fo-auth odata config add Dev --tenant contoso.onmicrosoft.com --url ${FO}`,
      `d365fo-auth odata config add Build --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID} --certificate-file app.crt --key-file app.key`,
      `printf '%s' "$SECRET" | d365fo-auth odata config add Build --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID} --client-secret-stdin`,
      `d365fo-auth odata config add Dev --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID} --public-client --force`,
    ],
    async run(ctx) {
      const name = ctx.positionals[0]!;
      const credential = await credentialChanges(ctx, undefined);
      const store = storeOf(ctx);
      const cfg = {
        tenant: stringOpt(ctx, 'tenant')!,
        url: stringOpt(ctx, 'url')!,
        systemUrl: stringOpt(ctx, 'system-url'),
        clientId: stringOpt(ctx, 'client-id'),
        ...(ctx.values['public-client'] === true ? { publicClient: true } : {}),
        ...(Object.fromEntries(Object.entries(credential).filter(([, value]) => value !== null)) as { clientSecret?: string; certificateFile?: string; keyFile?: string; x5c?: boolean }),
      };
      await store.odata.add(name, cfg, { force: ctx.values.force === true });
      if (!(await store.odata.getActive())) await store.odata.setActive(name);
      ctx.io.stderr.write(`Saved OData config "${await storedName(store, name)}" in ${store.path}.\n`);
      if (cfg.clientSecret === undefined && cfg.certificateFile === undefined && ctx.io.env.D365FO_CLIENT_SECRET) {
        ctx.io.stderr.write('note: D365FO_CLIENT_SECRET is set but was not saved; a secret is saved only with --client-secret-stdin.\n');
      }
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'set'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Change a saved OData config: the given values replace the saved ones, the rest stay.',
    options: {
      tenant: tenantOpt,
      url: urlOpt,
      'system-url': systemUrlOpt,
      'client-id': clientIdOpt,
      'public-client': { type: 'boolean', description: 'mark the client id as a public client ("odata login" signs in with it)' },
      'no-public-client': { type: 'boolean', description: 'no longer sign in with the client id' },
      'client-secret-stdin': { type: 'boolean', description: 'read a new client secret from stdin and save it (replaces a certificate)' },
      ...CERTIFICATE_OPTIONS,
      'remove-credential': { type: 'boolean', description: 'remove the saved client secret or certificate' },
    },
    examples: [
      `d365fo-auth odata config set Dev --url https://contoso-dev2.sandbox.operations.dynamics.com`,
      `printf '%s' "$NEW_SECRET" | d365fo-auth odata config set Build --client-secret-stdin`,
      'd365fo-auth odata config set Build --certificate-file new.crt --key-file new.key   # replaces the secret',
    ],
    async run(ctx) {
      const store = storeOf(ctx);
      const name = await storedName(store, ctx.positionals[0]!);
      if (ctx.values['public-client'] === true && ctx.values['no-public-client'] === true) throw new UsageError('give --public-client or --no-public-client, not both.');
      const given = { tenant: stringOpt(ctx, 'tenant'), url: stringOpt(ctx, 'url'), systemUrl: stringOpt(ctx, 'system-url'), clientId: stringOpt(ctx, 'client-id') };
      const publicClient = ctx.values['public-client'] === true ? { publicClient: true } : ctx.values['no-public-client'] === true ? { publicClient: null } : {};
      const credential = await credentialChanges(ctx, await store.odata.get(name));
      if (Object.values(given).every((value) => value === undefined) && Object.keys(publicClient).length === 0 && Object.keys(credential).length === 0) {
        throw new UsageError(
          '"odata config set" needs at least one of --tenant, --url, --system-url, --client-id, --public-client, --no-public-client, --client-secret-stdin, --certificate-file, --key-file, --x5c, --remove-credential.',
          ['Run "d365fo-auth help odata config set" for its options.'],
        );
      }
      await store.odata.update(name, { ...given, ...publicClient, ...credential });
      ctx.io.stderr.write(`Updated OData config "${name}" in ${store.path}.\n`);
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'list'],
    summary: 'List the saved OData configs (secrets shown only as present or absent).',
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth odata config list', "d365fo-auth odata config list | jq -r '.[].name'"],
    async run(ctx) {
      return printJson(ctx, await storeOf(ctx).odata.list());
    },
  },
  {
    path: ['odata', 'config', 'show'],
    args: '[NAME]',
    positionals: [0, 1],
    summary: "Show one saved OData config (default: the active one), secrets redacted; a certificate's thumbprint, subject and expiry.",
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth odata config show', 'd365fo-auth odata config show Dev', "d365fo-auth odata config show Build | jq -r .certificate.thumbprint"],
    async run(ctx) {
      const store = storeOf(ctx);
      const typed = ctx.positionals[0];
      const name = typed === undefined ? undefined : await storedName(store, typed);
      const found = (await store.odata.list()).find((cfg) => (name === undefined ? cfg.active : cfg.name === name));
      if (!found) throw new UsageError('no OData config is active; make one active with "d365fo-auth odata config use NAME".');
      if (found.certificateFile === undefined) return printJson(ctx, found);
      let certificate: Record<string, unknown>;
      try {
        const info = describeCertificate((await readCertificate(found.certificateFile)).certificate);
        certificate = { ...info };
        const warning = expiryWarning(info, found.certificateFile);
        if (warning) warn(ctx, warning);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        certificate = { error: message };
        warn(ctx, message);
      }
      return printJson(ctx, { ...found, certificate });
    },
  },
  {
    path: ['odata', 'config', 'use'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Make a saved OData config the active one.',
    options: {},
    examples: ['d365fo-auth odata config use Dev', 'd365fo-auth odata config use build   # names are case-insensitive'],
    async run(ctx) {
      const store = storeOf(ctx);
      await store.odata.setActive(await storedName(store, ctx.positionals[0]!));
      // the name as it is stored, read back
      const active = (await store.odata.list()).find((cfg) => cfg.active);
      ctx.io.stderr.write(`Active OData config: ${active?.name ?? ctx.positionals[0]}.\n`);
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'remove'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Remove a saved OData config.',
    options: {},
    examples: ['d365fo-auth odata config remove Dev', 'd365fo-auth odata config remove old --config-file ./ci-config.json'],
    async run(ctx) {
      const store = storeOf(ctx);
      const name = await storedName(store, ctx.positionals[0]!);
      await store.odata.remove(name);
      ctx.io.stderr.write(`Removed OData config "${name}".\n`);
      return 0;
    },
  },
];
