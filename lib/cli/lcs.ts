// `d365fo-auth lcs …`: sign in to the LCS API, print a fresh token from the saved session, refresh
// it, and show or set the saved LCS config.
import { ConfigError, createTokenProvider, getLcsApiToken, refreshLcsApiToken } from '../index.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt } from './common.js';
import { UsageError } from './errors.js';
import { readHidden } from './prompt.js';
import { JSON_DEFAULT_OPTIONS, JSON_OPTIONS, type Command, type Context } from './table.js';

const APP_ID = '9b4f4503-b970-4ade-abc6-2c086e4c4929';

/** The saved LCS config, secrets redacted. */
async function showLcsConfig(ctx: Context): Promise<number> {
  return printJson(ctx, (await storeOf(ctx).show())['lcs'] ?? {});
}

/** The password: --password-stdin, else D365FO_PASSWORD, else a hidden prompt on a terminal. */
async function passwordOf(ctx: Context, username: string): Promise<string> {
  const given = await secretOf(ctx, 'password-stdin', 'D365FO_PASSWORD');
  if (given !== undefined) return given;
  if (ctx.io.tty?.isTTY) return readHidden(ctx.io, `Password for ${username}: `, 'password');
  throw new UsageError('lcs login needs a password: pipe it with --password-stdin, set D365FO_PASSWORD, or run it on a terminal to be asked for it.');
}

export const lcsCommands: Command[] = [
  {
    path: ['lcs', 'login'],
    summary: 'Sign in to the LCS API with a service account (password grant) and save the session.',
    options: {
      username: { type: 'string', value: 'UPN', kind: 'upn', required: true, description: 'the account, e.g. svc-lcs@contoso.com' },
      'password-stdin': { type: 'boolean', description: 'read the password from stdin (else env D365FO_PASSWORD, else a hidden prompt on a terminal)' },
      'client-id': { type: 'string', value: 'ID', kind: 'guid', description: 'app registration id (default: the saved one)' },
      'lcs-api-uri': { type: 'string', value: 'URI', kind: 'url', description: 'LCS API host (default: saved, else https://lcsapi.lcs.dynamics.com)' },
      'project-id': { type: 'string', value: 'N', kind: 'positive-integer', description: 'LCS project id to save with the session' },
      'no-save': { type: 'boolean', description: 'do not save the session in the config file' },
      ...JSON_OPTIONS,
    },
    examples: [
      `d365fo-auth lcs login --username svc-lcs@contoso.com --client-id ${APP_ID}   # asks for the password`,
      `printf '%s' "$LCS_PASSWORD" | d365fo-auth lcs login --username svc-lcs@contoso.com --password-stdin --project-id 123456789`,
      `D365FO_PASSWORD="$LCS_PASSWORD" d365fo-auth lcs login --username svc-lcs@contoso.com --lcs-api-uri https://lcsapi.eu.lcs.dynamics.com --no-save --json`,
    ],
    async run(ctx) {
      const username = stringOpt(ctx, 'username')!;
      const password = await passwordOf(ctx, username);
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
      return printToken(ctx, token);
    },
  },
  {
    path: ['lcs', 'token'],
    summary: 'Print a token from the saved session, refreshed first when it is about to expire.',
    options: {
      'min-validity': { type: 'string', value: 'SECONDS', kind: 'whole-seconds', description: 'refresh when the token is valid for less (default 300)' },
      ...JSON_OPTIONS,
    },
    examples: [
      'curl -H "Authorization: $(d365fo-auth lcs token)" "https://lcsapi.lcs.dynamics.com/databasemovement/v1/databases/project/123456789"',
      'd365fo-auth lcs token --min-validity 1800 --json',
    ],
    async run(ctx) {
      const raw = stringOpt(ctx, 'min-validity');
      const minValiditySeconds = raw === undefined ? 300 : Number(raw);
      const store = storeOf(ctx);
      const provider = createTokenProvider({ ...commonOf(ctx), store, minValiditySeconds });
      return printToken(ctx, await provider.getToken());
    },
  },
  {
    path: ['lcs', 'refresh'],
    summary: 'Refresh the saved session now and save the new tokens.',
    options: { ...JSON_OPTIONS },
    examples: ['d365fo-auth lcs refresh > /dev/null   # keep a pipeline\'s session alive', 'd365fo-auth lcs refresh --json'],
    async run(ctx) {
      const store = storeOf(ctx);
      const saved = await store.lcs.get();
      if (!saved.refreshToken) throw new ConfigError(`No LCS session is saved in ${store.path}: sign in first with \`d365fo-auth lcs login\`.`, store.path);
      const token = await refreshLcsApiToken({ ...commonOf(ctx), store });
      await store.lcs.set(token);
      return printToken(ctx, token);
    },
  },
  {
    path: ['lcs', 'config'],
    summary: 'Show the saved LCS config, secrets redacted (same as "lcs config show").',
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth lcs config', 'd365fo-auth lcs config --config-file ./ci-config.json'],
    run: showLcsConfig,
  },
  {
    path: ['lcs', 'config', 'show'],
    summary: 'Show the saved LCS config, secrets redacted.',
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth lcs config show', 'd365fo-auth lcs config show | jq -r .projectId'],
    run: showLcsConfig,
  },
  {
    path: ['lcs', 'config', 'set'],
    summary: 'Save LCS defaults: client id, project id, LCS API host; prints the config.',
    options: {
      'client-id': { type: 'string', value: 'ID', kind: 'guid', description: 'app registration id' },
      'project-id': { type: 'string', value: 'N', kind: 'positive-integer', description: 'LCS project id' },
      'lcs-api-uri': { type: 'string', value: 'URI', kind: 'url', description: 'LCS API host' },
      ...JSON_DEFAULT_OPTIONS,
    },
    examples: [
      `d365fo-auth lcs config set --client-id ${APP_ID} --project-id 123456789`,
      'd365fo-auth lcs config set --lcs-api-uri https://lcsapi.eu.lcs.dynamics.com',
    ],
    async run(ctx) {
      const changes = { clientId: stringOpt(ctx, 'client-id'), projectId: stringOpt(ctx, 'project-id'), lcsApiUri: stringOpt(ctx, 'lcs-api-uri') };
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new UsageError('"lcs config set" needs at least one of --client-id, --project-id, --lcs-api-uri.', ['Run "d365fo-auth help lcs config set" for its options.']);
      }
      const store = storeOf(ctx);
      await store.lcs.set(changes);
      ctx.io.stderr.write(`Saved in ${store.path}.\n`);
      return showLcsConfig(ctx);
    },
  },
];
