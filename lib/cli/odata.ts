// `d365fo-auth odata …`: device-code sign-in, client-credentials tokens, and the named OData
// connection configs (add, list, show, use, remove).
import { InputError, getODataToken, getODataTokenInteractive, type ConfigStore, type ODataConfig } from '../index.js';
import type { Command, Context } from './args.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt } from './common.js';
import { showDeviceCode } from './device-ux.js';

const raw = { type: 'boolean', description: 'print the token as JSON instead of a Bearer line' } as const;
const configOpt = { type: 'string', value: 'NAME', description: 'a saved OData config (default: the active one)' } as const;
const tenantOpt = { type: 'string', value: 'T', description: 'tenant GUID or domain' } as const;
const urlOpt = { type: 'string', value: 'U', description: 'environment URL, e.g. https://contoso.operations.dynamics.com' } as const;

/** Tenant, URL and client from flags, else the named (or active) saved config. */
async function target(ctx: Context, store: ConfigStore): Promise<Partial<ODataConfig>> {
  const name = stringOpt(ctx, 'config');
  const tenant = stringOpt(ctx, 'tenant');
  const url = stringOpt(ctx, 'url');
  if (name !== undefined && (tenant !== undefined || url !== undefined)) throw new InputError('Give either --config NAME or --tenant and --url, not both.');
  let saved: ODataConfig | undefined;
  if (name !== undefined) {
    saved = await store.odata.get(name);
    if (!saved) throw new InputError(`There is no OData config named "${name}"; see \`d365fo-auth odata config list\`.`);
  } else if (tenant === undefined || url === undefined) {
    saved = await store.odata.getActive();
    if (!saved) throw new InputError('Give --tenant and --url, or --config NAME, or make a config active with `d365fo-auth odata config use NAME`.');
  }
  // the saved secret is not an own property (it never prints): copy it explicitly
  return { ...saved, clientSecret: saved?.clientSecret, ...(tenant === undefined ? {} : { tenant }), ...(url === undefined ? {} : { url }), ...(stringOpt(ctx, 'client-id') ? { clientId: stringOpt(ctx, 'client-id') } : {}) };
}

export const odataCommands: Command[] = [
  {
    path: ['odata', 'login'],
    sendsRequests: true,
    waitsForPerson: true,
    summary: 'Sign in at a terminal with a device code and print a token for an F&O environment.',
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': { type: 'string', value: 'ID', description: 'public client id (default: the saved one, else 1950a258-…)' },
      timeout: { type: 'string', value: 'SECONDS', description: 'give up after this long (default 300)' },
      'no-browser': { type: 'boolean', description: 'do not open the sign-in page' },
      'no-clipboard': { type: 'boolean', description: 'do not copy the code to the clipboard' },
      raw,
    },
    async run(ctx) {
      const store = storeOf(ctx);
      const cfg = await target(ctx, store);
      const timeoutText = stringOpt(ctx, 'timeout');
      const timeoutSeconds = timeoutText === undefined ? 300 : Number(timeoutText);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new InputError('--timeout must be a positive number of seconds.');
      let stop = () => {};
      try {
        const token = await getODataTokenInteractive({
          ...commonOf(ctx),
          store,
          tenant: cfg.tenant,
          url: cfg.url,
          clientId: stringOpt(ctx, 'client-id') ?? cfg.clientId,
          timeoutSeconds,
          onDeviceCode: (code) => {
            stop = showDeviceCode(ctx.io, code, { clipboard: ctx.values['no-clipboard'] !== true, browser: ctx.values['no-browser'] !== true }, Math.min(code.expiresAt, Date.now() + timeoutSeconds * 1000));
          },
        });
        stop();
        ctx.io.stderr.write('Signed in.\n');
        return printToken(ctx, token, ctx.values.raw === true);
      } finally {
        stop();
        stop = () => {};
      }
    },
  },
  {
    path: ['odata', 'token'],
    sendsRequests: true,
    summary: 'Print an app-only token (client credentials) for an F&O environment.',
    options: {
      config: configOpt,
      tenant: tenantOpt,
      url: urlOpt,
      'client-id': { type: 'string', value: 'ID', description: 'app registration id' },
      'client-secret-stdin': { type: 'boolean', description: 'read the client secret from stdin (else env D365FO_CLIENT_SECRET, else the saved one)' },
      raw,
    },
    async run(ctx) {
      const store = storeOf(ctx);
      const cfg = await target(ctx, store);
      const clientSecret = (await secretOf(ctx, 'client-secret-stdin', 'D365FO_CLIENT_SECRET')) ?? cfg.clientSecret;
      if (clientSecret === undefined) throw new InputError('A client secret is needed: pipe it with --client-secret-stdin, set D365FO_CLIENT_SECRET, or save one in the config.');
      const token = await getODataToken({ ...commonOf(ctx), store, tenant: cfg.tenant, url: cfg.url, clientId: cfg.clientId, clientSecret });
      return printToken(ctx, token, ctx.values.raw === true);
    },
  },
  {
    path: ['odata', 'config', 'add'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Save a named OData connection (the first one becomes active).',
    options: {
      tenant: tenantOpt,
      url: { ...urlOpt, description: 'environment URL (the token resource)' },
      'system-url': { type: 'string', value: 'U', description: 'URL of the instance itself (default: --url)' },
      'client-id': { type: 'string', value: 'ID', description: 'app registration id' },
      'client-secret-stdin': { type: 'boolean', description: 'read a client secret to save from stdin (else env D365FO_CLIENT_SECRET)' },
      force: { type: 'boolean', description: 'overwrite an existing config of that name' },
    },
    async run(ctx) {
      const name = ctx.positionals[0]!;
      const tenant = stringOpt(ctx, 'tenant');
      const url = stringOpt(ctx, 'url');
      if (!tenant || !url) throw new InputError('odata config add needs --tenant and --url.');
      const clientSecret = await secretOf(ctx, 'client-secret-stdin', 'D365FO_CLIENT_SECRET');
      const store = storeOf(ctx);
      await store.odata.add(name, { tenant, url, systemUrl: stringOpt(ctx, 'system-url'), clientId: stringOpt(ctx, 'client-id'), clientSecret }, { force: ctx.values.force === true });
      if (!(await store.odata.getActive())) await store.odata.setActive(name);
      ctx.io.stderr.write(`Saved OData config "${name}" in ${store.path}.\n`);
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'list'],
    summary: 'List the saved OData configs (secrets shown only as present or absent).',
    options: {},
    async run(ctx) {
      return printJson(ctx, await storeOf(ctx).odata.list());
    },
  },
  {
    path: ['odata', 'config', 'show'],
    args: '[NAME]',
    positionals: [0, 1],
    summary: 'Show one saved OData config (default: the active one), secrets redacted.',
    options: {},
    async run(ctx) {
      const name = ctx.positionals[0];
      const configs = await storeOf(ctx).odata.list();
      const found = configs.find((cfg) => (name === undefined ? cfg.active : cfg.name.toLowerCase() === name.toLowerCase()));
      if (!found) {
        throw new InputError(
          name === undefined
            ? 'No OData config is active; make one active with `d365fo-auth odata config use NAME`.'
            : `There is no OData config named "${name}"; see \`d365fo-auth odata config list\`.`,
        );
      }
      return printJson(ctx, found);
    },
  },
  {
    path: ['odata', 'config', 'use'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Make a saved OData config the active one.',
    options: {},
    async run(ctx) {
      const store = storeOf(ctx);
      await store.odata.setActive(ctx.positionals[0]!);
      ctx.io.stderr.write(`Active OData config: ${ctx.positionals[0]}.\n`);
      return 0;
    },
  },
  {
    path: ['odata', 'config', 'remove'],
    args: 'NAME',
    positionals: [1, 1],
    summary: 'Remove a saved OData config.',
    options: {},
    async run(ctx) {
      await storeOf(ctx).odata.remove(ctx.positionals[0]!);
      ctx.io.stderr.write(`Removed OData config ${ctx.positionals[0]}.\n`);
      return 0;
    },
  },
];
