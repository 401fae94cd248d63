// `d365fo-auth lcs …`: sign in to the LCS API (browser, device code, service-account password, or a
// refresh token from a pipeline's secret store) and save the session; print a token from it,
// refresh it, forget it; show or set the saved LCS config.
import {
  DEFAULT_INTERACTIVE_CLIENT_ID,
  DEFAULT_LCS_API_URI,
  createTokenProvider,
  getLcsApiToken,
  getLcsApiTokenInteractive,
  refreshLcsApiToken,
  type AadToken,
  type ConfigStore,
} from '../index.js';
import { commonOf, printJson, printToken, secretOf, storeOf, stringOpt, withSessionStore } from './common.js';
import { UsageError } from './errors.js';
import { SIGN_IN_UX_OPTIONS, defaultMethod, signInUx, signedInAs, type Method } from './interactive.js';
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

type Mode = 'password' | 'refresh-token' | Method;

/** The one way of signing in the flags ask for (none: the browser where one can be opened, else a device code). */
function loginMode(ctx: Context): Mode {
  const given = (['browser', 'device-code', 'username', 'refresh-token-stdin'] as const).filter((name) => ctx.values[name] !== undefined);
  if (given.length > 1) {
    throw new UsageError(`give one way to sign in, not ${given.map((name) => `--${name}`).join(' and ')}.`, [
      'Run "d365fo-auth help lcs login" for the ways: --browser, --device-code, --username, --refresh-token-stdin.',
    ]);
  }
  if (ctx.values['password-stdin'] === true && given[0] !== 'username') throw new UsageError('--password-stdin goes with --username (the service account whose password it is).');
  switch (given[0]) {
    case 'username':
      return 'password';
    case 'refresh-token-stdin':
      return 'refresh-token';
    case 'browser':
    case 'device-code':
      return given[0];
    default:
      return defaultMethod(ctx);
  }
}

interface LoginSettings {
  clientId: string | undefined;
  /** Where the client id came from, for the line that says which one signs in. */
  clientFrom: string;
  lcsApiUri: string;
  /** An unknown LCS host is accepted: --force, or the saved host (accepted when it was saved). */
  allowUnknownHost: boolean;
}

/** Client id and LCS host from the flags, else the saved LCS config (read only when a flag is missing). */
async function loginSettings(ctx: Context, store: ConfigStore, interactive: boolean): Promise<LoginSettings> {
  const clientFlag = stringOpt(ctx, 'client-id');
  const hostFlag = stringOpt(ctx, 'lcs-api-uri');
  const saved = clientFlag === undefined || hostFlag === undefined ? await store.lcs.get() : {};
  const savedClient = typeof saved.clientId === 'string' ? saved.clientId : undefined;
  const savedHost = typeof saved.lcsApiUri === 'string' ? saved.lcsApiUri : undefined;
  const clientId = clientFlag ?? savedClient ?? (interactive ? DEFAULT_INTERACTIVE_CLIENT_ID : undefined);
  const clientFrom = clientFlag !== undefined ? '--client-id' : savedClient !== undefined ? `the saved LCS config (${store.path})` : 'the first-party public client; --client-id to use your own app';
  if (clientId === undefined) {
    throw new UsageError('lcs login needs --client-id (the app registration to sign in with), or one saved with "d365fo-auth lcs config set --client-id ID".');
  }
  const force = ctx.values.force === true;
  return { clientId, clientFrom, lcsApiUri: hostFlag ?? savedHost ?? DEFAULT_LCS_API_URI, allowUnknownHost: force || (hostFlag === undefined && savedHost !== undefined) };
}

async function login(ctx: Context): Promise<number> {
  const mode = loginMode(ctx);
  // no way to get the password is a usage error at once, before the config is read or locked
  if (mode === 'password' && ctx.values['password-stdin'] !== true && !ctx.io.env.D365FO_PASSWORD && !ctx.io.tty?.isTTY) await passwordOf(ctx, stringOpt(ctx, 'username')!);
  const store = storeOf(ctx);
  const save = ctx.values['no-save'] !== true;
  const interactive = mode === 'browser' || mode === 'device-code';
  const settings = await loginSettings(ctx, store, interactive);
  const common = { ...commonOf(ctx), clientId: settings.clientId, lcsApiUri: settings.lcsApiUri, allowUnknownHost: settings.allowUnknownHost };
  const username = stringOpt(ctx, 'username');
  // a refresh token from the pipeline's secret store is read before anything else happens
  const refreshToken = mode === 'refresh-token' ? await secretOf(ctx, 'refresh-token-stdin') : undefined;
  const ux = interactive ? signInUx(ctx, mode) : undefined;

  const acquire = async (): Promise<AadToken> => {
    switch (mode) {
      case 'password':
        return getLcsApiToken({ ...common, username: username!, password: await passwordOf(ctx, username!) });
      case 'refresh-token':
        // redeemed at once, so a refresh token that no longer works fails here, not in the next step
        return refreshLcsApiToken({ ...common, refreshToken: refreshToken! });
      default:
        ctx.io.stderr.write(`Client id: ${settings.clientId} (${settings.clientFrom}).\n`);
        try {
          return await getLcsApiTokenInteractive({ ...common, ...ux!.options });
        } finally {
          ux!.done();
        }
    }
  };

  const projectText = stringOpt(ctx, 'project-id');
  let savedIn = store.path;
  const token = save
    ? await withSessionStore(ctx, store, (sessions, where) => {
        savedIn = where;
        return createTokenProvider({ ...commonOf(ctx), store: sessions, session: 'lcs' }).signIn(acquire, {
          clientId: settings.clientId,
          lcsApiUri: settings.lcsApiUri,
          projectId: projectText === undefined ? undefined : Number(projectText),
        });
      })
    : await acquire();
  const who = username ?? signedInAs(token);
  if (save) ctx.io.stderr.write(`Signed in${who ? ` as ${who}` : ''}; session saved in ${savedIn}.\n`);
  else if (mode !== 'password') ctx.io.stderr.write(`Signed in${who ? ` as ${who}` : ''}; nothing saved (--no-save).\n`);
  return printToken(ctx, token);
}

export const lcsCommands: Command[] = [
  {
    path: ['lcs', 'login'],
    summary: 'Sign in to the LCS API (browser, device code, service-account password, or a refresh token) and save the session.',
    options: {
      browser: { type: 'boolean', description: 'sign in with the browser (MFA and Conditional Access work); the default where a browser can be opened' },
      'device-code': { type: 'boolean', description: 'sign in with a code entered on another device; the default without a desktop, under CI or off a terminal' },
      username: { type: 'string', value: 'UPN', kind: 'upn', description: 'sign a service account in with its password (no MFA), e.g. svc-lcs@contoso.com' },
      'password-stdin': { type: 'boolean', description: 'with --username: read the password from stdin (else env D365FO_PASSWORD, else a hidden prompt on a terminal)' },
      'refresh-token-stdin': { type: 'boolean', description: "read a refresh token from stdin (a pipeline's secret) and redeem it at once" },
      'client-id': { type: 'string', value: 'ID', kind: 'guid', description: 'app registration id (default: the saved one; browser and device code: else the first-party public client)' },
      'lcs-api-uri': { type: 'string', value: 'URI', kind: 'url', description: 'LCS API host (default: saved, else https://lcsapi.lcs.dynamics.com)' },
      'project-id': { type: 'string', value: 'N', kind: 'positive-integer', description: 'LCS project id to save with the session' },
      force: { type: 'boolean', description: 'accept an --lcs-api-uri that is not a known LCS host (a new region)' },
      'no-save': { type: 'boolean', description: 'do not save the session (the config file is read only for a value no flag gives)' },
      ...SIGN_IN_UX_OPTIONS,
      ...JSON_OPTIONS,
    },
    examples: [
      `d365fo-auth lcs login --browser --client-id ${APP_ID} --project-id 123456789`,
      'd365fo-auth lcs login --device-code --no-clipboard',
      `printf '%s' "$LCS_PASSWORD" | d365fo-auth lcs login --username svc-lcs@contoso.com --password-stdin --client-id ${APP_ID}`,
      `printf '%s' "$LCS_REFRESH_TOKEN" | d365fo-auth lcs login --refresh-token-stdin --client-id ${APP_ID} && d365fo-auth lcs token --json`,
    ],
    run: login,
  },
  {
    path: ['lcs', 'token'],
    summary: 'Print a token from the saved session, refreshed first when it is about to expire (--json includes the newest refresh token).',
    options: {
      'min-validity': { type: 'string', value: 'SECONDS', kind: 'whole-seconds', description: 'refresh when the token is valid for less (default 300)' },
      ...JSON_OPTIONS,
    },
    examples: [
      'curl -H "Authorization: $(d365fo-auth lcs token)" "https://lcsapi.lcs.dynamics.com/databasemovement/v1/databases/project/123456789"',
      'd365fo-auth lcs token --json | jq -r .refreshToken   # the newest refresh token, to store back in the pipeline',
      'd365fo-auth lcs token --min-validity 1800 --json',
    ],
    async run(ctx) {
      const raw = stringOpt(ctx, 'min-validity');
      const minValiditySeconds = raw === undefined ? 300 : Number(raw);
      const token = await withSessionStore(ctx, storeOf(ctx), (sessions) => createTokenProvider({ ...commonOf(ctx), store: sessions, session: 'lcs', minValiditySeconds }).getToken());
      return printToken(ctx, token);
    },
  },
  {
    path: ['lcs', 'refresh'],
    summary: 'Refresh the saved session now and save the new tokens (one refresh for processes that ask at once).',
    options: { ...JSON_OPTIONS },
    examples: ['d365fo-auth lcs refresh > /dev/null   # keep a pipeline\'s session alive', 'd365fo-auth lcs refresh --json'],
    async run(ctx) {
      const token = await withSessionStore(ctx, storeOf(ctx), (sessions) => createTokenProvider({ ...commonOf(ctx), store: sessions, session: 'lcs' }).refresh());
      return printToken(ctx, token);
    },
  },
  {
    path: ['lcs', 'logout'],
    summary: 'Forget the saved LCS tokens; the settings (client id, LCS host, project id) stay.',
    options: {},
    examples: ['d365fo-auth lcs logout', 'd365fo-auth lcs logout --config-file ./ci-config.json'],
    async run(ctx) {
      // null forgets the LCS session's tokens and keeps its settings, in whichever store holds it
      const where = await withSessionStore(ctx, storeOf(ctx), async (sessions, at) => {
        await sessions.updateSession('lcs', async () => ({ session: null, result: undefined }));
        return at;
      });
      ctx.io.stderr.write(`Signed out: the LCS tokens are removed from ${where}; the client id, LCS host and project id stay.\n`);
      return 0;
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
      'lcs-api-uri': { type: 'string', value: 'URI', kind: 'url', description: 'LCS API host (a known one, or any with --force)' },
      force: { type: 'boolean', description: 'accept an --lcs-api-uri that is not a known LCS host (a new region)' },
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
      await store.lcs.set(changes, { allowUnknownHost: ctx.values.force === true });
      ctx.io.stderr.write(`Saved in ${store.path}.\n`);
      return showLcsConfig(ctx);
    },
  },
];
