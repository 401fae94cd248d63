// `d365fo-auth odata …`: device-code sign-in, client-credentials tokens, and the named OData
// connection configs (add, set, list, show, use, remove).
import { getODataToken, getODataTokenInteractive, type ConfigStore, type ODataConfig } from '../index.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt } from './common.js';
import { showDeviceCode } from './device-ux.js';
import { UsageError } from './errors.js';
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

/** Tenant, URL and client from flags, else the named (or active) saved config. */
async function target(ctx: Context, store: ConfigStore): Promise<Partial<ODataConfig>> {
  const name = stringOpt(ctx, 'config');
  const tenant = stringOpt(ctx, 'tenant');
  const url = stringOpt(ctx, 'url');
  const clientId = stringOpt(ctx, 'client-id');
  if (name !== undefined && (tenant !== undefined || url !== undefined)) throw new UsageError('give either --config NAME or --tenant and --url, not both.');
  let saved: ODataConfig | undefined;
  if (name !== undefined) {
    saved = await store.odata.get(await storedName(store, name));
  } else if (tenant === undefined || url === undefined) {
    saved = await store.odata.getActive();
    if (!saved) throw new UsageError('give --tenant and --url, or --config NAME, or make a config active with "d365fo-auth odata config use NAME".');
  }
  // the saved secret is not an own property (it never prints): copy it explicitly
  return { ...saved, clientSecret: saved?.clientSecret, ...(tenant === undefined ? {} : { tenant }), ...(url === undefined ? {} : { url }), ...(clientId === undefined ? {} : { clientId }) };
}

export const odataCommands: Command[] = [
  {
    path: ['odata', 'login'],
    summary: 'Sign in at a terminal with a device code and print a token for an F&O environment.',
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': { ...clientIdOpt, description: 'public client id (default: the saved one, else 1950a258-…)' },
      timeout: { type: 'string', value: 'SECONDS', kind: 'seconds', description: 'give up after this long (default 300)' },
      'no-browser': { type: 'boolean', description: 'do not open the sign-in page' },
      'no-clipboard': { type: 'boolean', description: 'do not copy the code to the clipboard' },
      ...JSON_OPTIONS,
    },
    examples: [
      `TOKEN=$(d365fo-auth odata login --tenant contoso.onmicrosoft.com --url ${FO})`,
      'd365fo-auth odata login --config Dev --timeout 600',
      'd365fo-auth odata login --no-browser --no-clipboard --json',
    ],
    async run(ctx) {
      const store = storeOf(ctx);
      const cfg = await target(ctx, store);
      const timeoutText = stringOpt(ctx, 'timeout');
      const timeoutSeconds = timeoutText === undefined ? 300 : Number(timeoutText);
      const ux = { clipboard: ctx.values['no-clipboard'] !== true, browser: ctx.values['no-browser'] !== true };
      let stop = () => {};
      try {
        const token = await getODataTokenInteractive({
          ...commonOf(ctx),
          store,
          tenant: cfg.tenant,
          url: cfg.url,
          clientId: cfg.clientId,
          timeoutSeconds,
          onDeviceCode: async (code) => {
            stop = await showDeviceCode(ctx.io, code, ux, Math.min(code.expiresAt, Date.now() + timeoutSeconds * 1000));
          },
        });
        stop();
        stop = () => {};
        ctx.io.stderr.write('Signed in.\n');
        return printToken(ctx, token);
      } finally {
        stop();
      }
    },
  },
  {
    path: ['odata', 'token'],
    summary: 'Print an app-only token (client credentials) for an F&O environment.',
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': clientIdOpt,
      'client-secret-stdin': { type: 'boolean', description: 'read the client secret from stdin (else env D365FO_CLIENT_SECRET, else the saved one)' },
      ...JSON_OPTIONS,
    },
    examples: [
      'd365fo-auth odata token   # the active config',
      'd365fo-auth odata token --config Dev --json',
      `D365FO_CLIENT_SECRET="$SECRET" d365fo-auth odata token --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID}`,
    ],
    async run(ctx) {
      const store = storeOf(ctx);
      const cfg = await target(ctx, store);
      const clientSecret = (await secretOf(ctx, 'client-secret-stdin', 'D365FO_CLIENT_SECRET')) ?? cfg.clientSecret;
      if (clientSecret === undefined) throw new UsageError('a client secret is needed: pipe it with --client-secret-stdin, set D365FO_CLIENT_SECRET, or save one in the config.');
      const token = await getODataToken({ ...commonOf(ctx), store, tenant: cfg.tenant, url: cfg.url, clientId: cfg.clientId, clientSecret });
      return printToken(ctx, token);
    },
  },
  {
    path: ['odata', 'config', 'add'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Save a named OData connection (the first one becomes active); a secret only with --client-secret-stdin.',
    options: {
      tenant: { ...tenantOpt, required: true },
      url: { ...urlOpt, required: true },
      'system-url': systemUrlOpt,
      'client-id': clientIdOpt,
      'client-secret-stdin': { type: 'boolean', description: 'read a client secret from stdin and save it (nothing else saves one)' },
      force: { type: 'boolean', description: 'overwrite an existing config of that name' },
    },
    examples: [
      `d365fo-auth odata config add Dev --tenant contoso.onmicrosoft.com --url ${FO}`,
      `printf '%s' "$SECRET" | d365fo-auth odata config add Build --tenant contoso.onmicrosoft.com --url ${FO} --client-id ${APP_ID} --client-secret-stdin`,
      `d365fo-auth odata config add Dev --tenant contoso.onmicrosoft.com --url https://contoso-dev.sandbox.operations.dynamics.com --force`,
    ],
    async run(ctx) {
      const name = ctx.positionals[0]!;
      const clientSecret = await secretOf(ctx, 'client-secret-stdin');
      const store = storeOf(ctx);
      const cfg = { tenant: stringOpt(ctx, 'tenant')!, url: stringOpt(ctx, 'url')!, systemUrl: stringOpt(ctx, 'system-url'), clientId: stringOpt(ctx, 'client-id'), clientSecret };
      await store.odata.add(name, cfg, { force: ctx.values.force === true });
      if (!(await store.odata.getActive())) await store.odata.setActive(name);
      ctx.io.stderr.write(`Saved OData config "${await storedName(store, name)}" in ${store.path}.\n`);
      if (clientSecret === undefined && ctx.io.env.D365FO_CLIENT_SECRET) {
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
      'client-secret-stdin': { type: 'boolean', description: 'read a new client secret from stdin and save it' },
    },
    examples: [
      `d365fo-auth odata config set Dev --url https://contoso-dev2.sandbox.operations.dynamics.com`,
      `printf '%s' "$NEW_SECRET" | d365fo-auth odata config set Build --client-secret-stdin`,
    ],
    async run(ctx) {
      const store = storeOf(ctx);
      const name = await storedName(store, ctx.positionals[0]!);
      const given = { tenant: stringOpt(ctx, 'tenant'), url: stringOpt(ctx, 'url'), systemUrl: stringOpt(ctx, 'system-url'), clientId: stringOpt(ctx, 'client-id') };
      const clientSecret = await secretOf(ctx, 'client-secret-stdin');
      if (Object.values(given).every((value) => value === undefined) && clientSecret === undefined) {
        throw new UsageError('"odata config set" needs at least one of --tenant, --url, --system-url, --client-id, --client-secret-stdin.', [
          'Run "d365fo-auth help odata config set" for its options.',
        ]);
      }
      await store.odata.update(name, { ...given, ...(clientSecret === undefined ? {} : { clientSecret }) });
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
    summary: 'Show one saved OData config (default: the active one), secrets redacted.',
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth odata config show', 'd365fo-auth odata config show Dev'],
    async run(ctx) {
      const store = storeOf(ctx);
      const typed = ctx.positionals[0];
      const name = typed === undefined ? undefined : await storedName(store, typed);
      const found = (await store.odata.list()).find((cfg) => (name === undefined ? cfg.active : cfg.name === name));
      if (!found) throw new UsageError('no OData config is active; make one active with "d365fo-auth odata config use NAME".');
      return printJson(ctx, found);
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
