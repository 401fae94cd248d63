// `d365fo-auth lcs …`: sign in to the LCS API, print a fresh token from the saved session, refresh
// it, and show or set the saved LCS config.
import { ConfigError, InputError, createTokenProvider, getLcsApiToken, refreshLcsApiToken } from '../index.js';
import type { Command, Context } from './args.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt } from './common.js';

const json = { type: 'boolean', description: 'print the token as JSON instead of a Bearer line' } as const;

/** The saved LCS config, secrets redacted. */
async function showLcsConfig(ctx: Context): Promise<number> {
  return printJson(ctx, (await storeOf(ctx).show())['lcs'] ?? {});
}

export const lcsCommands: Command[] = [
  {
    path: ['lcs', 'login'],
    sendsRequests: true,
    summary: 'Sign in to the LCS API with a service account (password grant) and save the session.',
    options: {
      username: { type: 'string', value: 'UPN', description: 'the account, e.g. svc-lcs@contoso.com' },
      'password-stdin': { type: 'boolean', description: 'read the password from stdin (else env D365FO_PASSWORD)' },
      'client-id': { type: 'string', value: 'ID', description: 'app registration id (default: the saved one)' },
      'lcs-api-uri': { type: 'string', value: 'URI', description: 'LCS API host (default: saved, else https://lcsapi.lcs.dynamics.com)' },
      'project-id': { type: 'string', value: 'N', description: 'LCS project id to save with the session' },
      'no-save': { type: 'boolean', description: 'do not save the session in the config file' },
      json,
    },
    async run(ctx) {
      const username = stringOpt(ctx, 'username');
      if (!username) throw new InputError('lcs login needs --username <UPN>.');
      const password = await secretOf(ctx, 'password-stdin', 'D365FO_PASSWORD');
      if (password === undefined) throw new InputError('lcs login needs a password: pipe it with --password-stdin, or set D365FO_PASSWORD.');
      const store = storeOf(ctx);
      const clientId = stringOpt(ctx, 'client-id');
      const lcsApiUri = stringOpt(ctx, 'lcs-api-uri');
      const projectId = stringOpt(ctx, 'project-id');
      const token = await getLcsApiToken({ ...commonOf(ctx), store, username, password, clientId, lcsApiUri });
      if (ctx.values['no-save'] !== true) {
        await store.lcs.set({ clientId, lcsApiUri, projectId });
        await store.lcs.set(token);
        ctx.io.stderr.write(`Signed in as ${username}; session saved in ${store.path}.\n`);
      }
      return printToken(ctx, token, ctx.values.json === true);
    },
  },
  {
    path: ['lcs', 'token'],
    summary: 'Print a token from the saved session, refreshed first when it is about to expire.',
    options: {
      'min-validity': { type: 'string', value: 'SECONDS', description: 'refresh when the token is valid for less (default 300)' },
      json,
    },
    async run(ctx) {
      const raw = stringOpt(ctx, 'min-validity');
      const minValiditySeconds = raw === undefined ? 300 : Number(raw);
      if (!Number.isInteger(minValiditySeconds) || minValiditySeconds < 0) throw new InputError('--min-validity must be a whole number of seconds.');
      const store = storeOf(ctx);
      const provider = createTokenProvider({ ...commonOf(ctx), store, minValiditySeconds });
      return printToken(ctx, await provider.getToken(), ctx.values.json === true);
    },
  },
  {
    path: ['lcs', 'refresh'],
    sendsRequests: true,
    summary: 'Refresh the saved session now and save the new tokens.',
    options: { json },
    async run(ctx) {
      const store = storeOf(ctx);
      const saved = await store.lcs.get();
      if (!saved.refreshToken) throw new ConfigError(`No LCS session is saved in ${store.path}: sign in first with \`d365fo-auth lcs login\`.`, store.path);
      const token = await refreshLcsApiToken({ ...commonOf(ctx), store });
      await store.lcs.set(token);
      return printToken(ctx, token, ctx.values.json === true);
    },
  },
  {
    path: ['lcs', 'config', 'show'],
    summary: 'Show the saved LCS config, secrets redacted.',
    options: {},
    run: showLcsConfig,
  },
  {
    path: ['lcs', 'config'],
    summary: 'Show the saved LCS config, secrets redacted (same as "lcs config show").',
    options: {},
    run: showLcsConfig,
  },
  {
    path: ['lcs', 'config', 'set'],
    summary: 'Save LCS defaults: client id, project id, LCS API host.',
    options: {
      'client-id': { type: 'string', value: 'ID', description: 'app registration id' },
      'project-id': { type: 'string', value: 'N', description: 'LCS project id' },
      'lcs-api-uri': { type: 'string', value: 'URI', description: 'LCS API host' },
    },
    async run(ctx) {
      const changes = { clientId: stringOpt(ctx, 'client-id'), projectId: stringOpt(ctx, 'project-id'), lcsApiUri: stringOpt(ctx, 'lcs-api-uri') };
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new InputError('lcs config set needs at least one of --client-id, --project-id, --lcs-api-uri.');
      }
      const store = storeOf(ctx);
      await store.lcs.set(changes);
      ctx.io.stderr.write(`Saved in ${store.path}.\n`);
      return showLcsConfig(ctx);
    },
  },
];
