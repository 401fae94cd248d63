// `d365fo-auth decode` (claims of a token, its expiry in local time, a clock-skew warning) and
// `d365fo-auth emulator` (the local AAD v1 emulator until Ctrl-C, with users and clients from files).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEMO, InputError, createSelfSignedCertificate, decodeClaims, startEmulator, type EmulatorHandle, type EmulatorOptions } from '../index.js';
import { printJson, stringOpt } from './common.js';
import { UsageError } from './errors.js';
import { readClientsFile, readUsersFile } from './emulator-files.js';
import { JSON_DEFAULT_OPTIONS, type Command, type Context } from './table.js';

const SKEW_WARNING_SECONDS = 300;
const DEMO = EMULATOR_DEMO;

/** What the person should know about a failed listen, in the CLI's words (a taken port is a usage problem: exit 2). */
function listenProblem(error: unknown, host: string, port: number): UsageError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new UsageError(`port ${port} on ${host} is taken (EADDRINUSE): stop what uses it, or pick another with --port (--port 0 picks a free one).`);
  if (code === 'EACCES') return new UsageError(`not allowed to listen on ${host}:${port} (EACCES): pick a port above 1023 with --port.`);
  if (code === 'EADDRNOTAVAIL') return new UsageError(`--host ${host} is not an address of this machine (EADDRNOTAVAIL).`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new UsageError(`--host ${host} does not resolve (${code}).`);
  return undefined;
}

/** The lines printed once the emulator listens: where, who can sign in, how to point the CLI at it. */
function describeEmulator(emulator: EmulatorHandle, options: EmulatorOptions, files: { users: string | undefined; clients: string | undefined }): string[] {
  const lines = [
    `AAD v1 emulator listening on ${emulator.url} (${emulator.address.loopback ? 'loopback only' : 'NOT loopback: reachable from other machines'})`,
    `  tenant:              ${emulator.tenantId} (${emulator.tenantDomain})`,
  ];
  if (options.users) lines.push(`  users (${files.users}): ${options.users.map((u) => u.username).join(', ')}`);
  else {
    lines.push(`  demo user:           ${DEMO.user.username}  password: ${DEMO.user.password}`);
    lines.push(`  MFA user:            ${DEMO.mfaUser.username}  password: ${DEMO.mfaUser.password}  (refused by the password grant; signs in with the browser or a device code)`);
  }
  if (options.clients) {
    lines.push(`  clients (${files.clients}): ${options.clients.map((c) => `${c.clientId} (${c.secret === undefined ? 'public' : 'confidential'})`).join(', ')}`);
  } else {
    lines.push(`  public client:       ${DEMO.publicClient.clientId}`, `  confidential client: ${DEMO.confidentialClient.clientId}  secret: ${DEMO.confidentialClient.secret}`);
  }
  lines.push(`  first-party client:  ${DEMO.firstPartyPublicClientId} (public, device code default)`);
  lines.push(`Point the CLI at it with --authority-host ${emulator.url} (or D365FO_AUTHORITY_HOST=${emulator.url}); Ctrl-C stops it.`);
  return lines;
}

export const miscCommands: Command[] = [
  {
    path: ['decode'],
    args: '[TOKEN | -]',
    positionals: [0, 1],
    summary: 'Print the claims of a token (read from stdin when TOKEN is - or absent). Nothing is verified.',
    options: { ...JSON_DEFAULT_OPTIONS },
    examples: ['d365fo-auth lcs token | d365fo-auth decode', 'd365fo-auth decode "$TOKEN" | jq -r .upn'],
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
      host: { type: 'string', value: 'ADDRESS', kind: 'text', description: 'address to listen on (default 127.0.0.1)' },
      port: { type: 'string', value: 'N', kind: 'port', description: 'port (default 0: any free port)' },
      users: { type: 'string', value: 'FILE', kind: 'path', description: 'JSON array of users: [{ "username", "password", "mfaRequired"?, "locked"?, "federated"?, "displayName"? }]' },
      clients: {
        type: 'string',
        value: 'FILE',
        kind: 'path',
        description: 'JSON array of clients: [{ "clientId", "secret"?, "allowPublicClientFlows"?, "certificates"? (PEM text or files), "redirectUris"?, "roles"? }]',
      },
      tls: { type: 'boolean', description: 'serve https with a certificate made for this run, and print the NODE_EXTRA_CA_CERTS line that trusts it' },
    },
    examples: [
      '# in one shell:',
      'd365fo-auth emulator --port 8400',
      '# in another, sign in as its demo user:',
      `printf '%s\\n' '${DEMO.user.password}' | d365fo-auth lcs login --authority-host http://127.0.0.1:8400 --username ${DEMO.user.username} --password-stdin --client-id ${DEMO.publicClient.clientId} --no-save`,
      'd365fo-auth emulator --users users.json --clients clients.json',
      'd365fo-auth emulator --tls --port 8443   # then NODE_EXTRA_CA_CERTS=… (printed) for clients that want https',
    ],
    async run(ctx: Context) {
      const port = Number(stringOpt(ctx, 'port') ?? '0');
      const host = stringOpt(ctx, 'host') ?? '127.0.0.1';
      const files = { users: stringOpt(ctx, 'users'), clients: stringOpt(ctx, 'clients') };
      const options: EmulatorOptions = { host, port };
      if (files.users !== undefined) options.users = await readUsersFile(files.users);
      if (files.clients !== undefined) options.clients = await readClientsFile(files.clients);
      // --tls: a key and certificate for this run only (127.0.0.1, ::1, localhost and the host asked for)
      let trustDir: string | undefined;
      let trustFile: string | undefined;
      if (ctx.values['tls'] === true) {
        const ip = isIP(host) !== 0;
        const certificate = await createSelfSignedCertificate({
          commonName: 'd365fo-auth emulator',
          dnsNames: ['localhost', ...(!ip && host !== 'localhost' ? [host] : [])],
          ipAddresses: ['127.0.0.1', '::1', ...(ip && !['127.0.0.1', '::1', '0.0.0.0', '::'].includes(host) ? [host] : [])],
        });
        trustDir = await mkdtemp(join(tmpdir(), 'd365fo-auth-emulator-'));
        trustFile = join(trustDir, 'emulator-certificate.pem');
        await writeFile(trustFile, certificate.certificatePem, { mode: 0o600 });
        options.tls = { key: certificate.privateKeyPem, cert: certificate.certificatePem };
      }
      let emulator: EmulatorHandle;
      try {
        emulator = await startEmulator(options);
      } catch (error) {
        if (trustDir) await rm(trustDir, { recursive: true, force: true });
        throw listenProblem(error, host, port) ?? error;
      }
      const lines = describeEmulator(emulator, options, files);
      if (trustFile) lines.push(`Trust its certificate (made for this run) in the shell of the client: export NODE_EXTRA_CA_CERTS=${trustFile}`);
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.io.signal?.aborted) resolve();
        ctx.io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      await emulator.stop();
      if (trustDir) await rm(trustDir, { recursive: true, force: true });
      ctx.io.stderr.write('Emulator stopped.\n');
      return 0;
    },
  },
];
