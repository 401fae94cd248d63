// `d365fo-auth decode` (claims of a token, its expiry in local time, a clock-skew warning) and
// `d365fo-auth emulator` (the local AAD v1 emulator until Ctrl-C).
import { InputError, decodeClaims, startEmulator, EMULATOR_DEMO } from '../index.js';
import type { Command } from './args.js';
import { printJson } from './common.js';

const SKEW_WARNING_SECONDS = 300;

export const miscCommands: Command[] = [
  {
    path: ['decode'],
    args: '[TOKEN | -]',
    positionals: [0, 1],
    summary: 'Print the claims of a token (read from stdin when TOKEN is - or absent). Nothing is verified.',
    options: {},
    async run(ctx) {
      const given = ctx.positionals[0];
      const text = (given === undefined || given === '-' ? await ctx.io.readStdin() : given).trim();
      if (text === '') throw new InputError('decode needs a token: as an argument, or on stdin (e.g. `d365fo-auth lcs token | d365fo-auth decode`).');
      const claims = decodeClaims(text);
      printJson(ctx, claims);
      const now = Date.now() / 1000;
      if (typeof claims.exp === 'number') {
        const minutes = Math.floor((claims.exp - now) / 60);
        const when = new Date(claims.exp * 1000).toLocaleString();
        ctx.io.stderr.write(minutes >= 0 ? `Expires ${when} (in ${minutes} minutes).\n` : `Expired ${when} (${-minutes} minutes ago).\n`);
      }
      const issued = typeof claims.nbf === 'number' ? claims.nbf : claims.iat;
      if (typeof issued === 'number' && issued - now > SKEW_WARNING_SECONDS) {
        ctx.io.stderr.write(
          `warning: the token is valid only from ${Math.round((issued - now) / 60)} minutes in the future: this machine's clock seems to be behind the authority's.\n`,
        );
      }
      ctx.io.stderr.write('(Decoded only: the signature and claims were not verified.)\n');
      return 0;
    },
  },
  {
    path: ['emulator'],
    summary: 'Run the local AAD v1 emulator (for demos and CI) until Ctrl-C; prints its URL, users and clients.',
    options: {
      host: { type: 'string', value: 'ADDRESS', description: 'address to listen on (default 127.0.0.1)' },
      port: { type: 'string', value: 'N', description: 'port (default 0: any free port)' },
    },
    async run(ctx) {
      const portText = typeof ctx.values.port === 'string' ? ctx.values.port : '0';
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('--port must be a whole number from 0 to 65535.');
      const host = typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1';
      const emulator = await startEmulator({ host, port });
      const lines = [
        `AAD v1 emulator listening on ${emulator.url} (${emulator.address.loopback ? 'loopback only' : 'NOT loopback: reachable from other machines'})`,
        `  tenant:              ${emulator.tenantId} (${emulator.tenantDomain})`,
        `  demo user:           ${EMULATOR_DEMO.user.username}  password: ${EMULATOR_DEMO.user.password}`,
        `  public client:       ${EMULATOR_DEMO.publicClient.clientId}`,
        `  confidential client: ${EMULATOR_DEMO.confidentialClient.clientId}  secret: ${EMULATOR_DEMO.confidentialClient.secret}`,
        `  first-party client:  ${EMULATOR_DEMO.firstPartyPublicClientId} (public, device code default)`,
        `Use it with --authority-host ${emulator.url}  (Ctrl-C stops it)`,
      ];
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.io.signal?.aborted) resolve();
        ctx.io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      await emulator.stop();
      ctx.io.stderr.write('Emulator stopped.\n');
      return 0;
    },
  },
];
