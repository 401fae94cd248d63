// `d365fo-auth doctor`: what would stop a sign-in, and how to fix it. A checklist with a remedy on
// each line that is not ok: the authority reachable (and through which proxy), TLS trust, the clock
// against the authority's Date, the user's realm, the LCS host's cloud, the config file and what the
// saved sessions hold (in the config file or the --session-store). It sends no credential and never
// prints a secret (only whether one is saved).
import {
  AUTHORITY_HOSTS,
  DEFAULT_LCS_API_URI,
  LCS_API_URIS,
  TransportError,
  getUserRealm,
  isD365AuthError,
  odataSessionId,
  probeAuthority,
  SessionStoreError,
  type AuthorityProbe,
  type ConfigStore,
  type SessionId,
  type SessionRecord,
  type SessionStore,
} from '../index.js';
import { cleanLine } from './clean.js';
import { describeCertificate, expiryWarning, readCertificate } from './certificate.js';
import { commonOf, jsonText, storeOf, stringOpt, withSessionStore } from './common.js';
import { UsageError } from './errors.js';
import { networkHints } from './hints.js';
import { jsonOptions, type Command, type Context } from './table.js';

export type Status = 'ok' | 'info' | 'warn' | 'fail' | 'skip';

export interface CheckLine {
  check: string;
  status: Status;
  detail: string;
  /** What to do, on every line that is not ok. */
  remedy?: string | undefined;
}

const CLOCK_WARN_SECONDS = 60;
const CLOCK_FAIL_SECONDS = 300;
const PROBE_TIMEOUT_MS = 15_000;
const TLS_REASONS = /^(UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_TLS_CERT)/;

const message = (error: unknown) => cleanLine(isD365AuthError(error) || error instanceof Error ? error.message : String(error));
const hint = (line: string) => line.replace(/^hint: /, '');

function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Where the saved sessions are, and what they are for. */
interface Scope {
  store: ConfigStore;
  /** The LCS session is checked (--lcs, or no scope flag); `lcsAsked`: --lcs itself. */
  lcs: boolean;
  lcsAsked: boolean;
  /** OData configs whose sessions are checked: every one (no scope flag), one (--config, its stored name), or none (--lcs). */
  odata: { all: true } | { name: string } | undefined;
}

/** The authority and tenant to probe: --authority-host, else the scope's (the LCS host's cloud, the config's), else public. */
interface Target {
  authorityHost: string;
  /** Where it came from, for the LCS cloud line. */
  authorityFrom: 'flag' | 'session' | 'config' | 'cloud' | 'default';
  tenant: string;
  lcsApiUri?: string | undefined;
}

async function targetOf(ctx: Context, scope: Scope, lines: CheckLine[]): Promise<Target> {
  const given = commonOf(ctx).authorityHost;
  const target: Target = { authorityHost: given ?? AUTHORITY_HOSTS.public, authorityFrom: given === undefined ? 'default' : 'flag', tenant: 'common' };
  try {
    if (scope.lcsAsked) {
      const saved = await scope.store.lcs.get();
      target.lcsApiUri = typeof saved.lcsApiUri === 'string' ? saved.lcsApiUri : DEFAULT_LCS_API_URI;
      if (given === undefined) {
        const cloud = LCS_API_URIS.find((host) => host.uri === target.lcsApiUri!.toLowerCase())?.cloud ?? 'public';
        const session = typeof saved.authorityHost === 'string' ? saved.authorityHost : undefined;
        target.authorityHost = session ?? AUTHORITY_HOSTS[cloud];
        target.authorityFrom = session !== undefined ? 'session' : 'cloud';
      }
    } else if (scope.odata !== undefined && 'name' in scope.odata) {
      const cfg = await scope.store.odata.get(scope.odata.name);
      if (!cfg) throw new UsageError(`there is no OData config named "${scope.odata.name}".`);
      target.tenant = cfg.tenant;
      if (given === undefined && cfg.authorityHost !== undefined) {
        target.authorityHost = cfg.authorityHost;
        target.authorityFrom = 'config';
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // the config file's own line says what is wrong with it
    lines.push(...(await configFileLines(scope.store)));
  }
  return target;
}

async function probe(ctx: Context, target: Target, lines: CheckLine[]): Promise<AuthorityProbe | undefined> {
  const where = `${target.authorityHost} (tenant ${target.tenant})`;
  const https = target.authorityHost.startsWith('https:');
  try {
    const seen = await probeAuthority({ ...commonOf(ctx), authorityHost: target.authorityHost, tenant: target.tenant, timeoutMs: PROBE_TIMEOUT_MS });
    const via = seen.proxy === undefined ? 'directly (no proxy)' : `through the proxy ${seen.proxy}`;
    if (seen.status === 200) {
      lines.push({ check: 'authority', status: 'ok', detail: `${where} answered in ${seen.durationMs} ms, ${via}` });
    } else {
      lines.push({
        check: 'authority',
        status: 'fail',
        detail: `${where} answered HTTP ${seen.status} for its openid-configuration, ${via}`,
        remedy: seen.status === 400 || seen.status === 404 ? 'check the tenant (a GUID or a verified domain) and --authority-host' : 'a proxy or firewall may answer in its place: check HTTPS_PROXY and NO_PROXY',
      });
    }
    lines.push(
      https
        ? { check: 'tls', status: 'ok', detail: `the certificate of ${new URL(target.authorityHost).host} is trusted` }
        : { check: 'tls', status: 'info', detail: 'plain http to a loopback address (an emulator): no TLS to check' },
    );
    return seen;
  } catch (error) {
    if (ctx.io.signal?.aborted) throw error;
    const reason = error instanceof TransportError ? error.reason : undefined;
    if (reason !== undefined && TLS_REASONS.test(reason)) {
      lines.push({ check: 'authority', status: 'fail', detail: `${where}: no trusted TLS connection (${reason})`, remedy: 'see the tls line' });
      lines.push({
        check: 'tls',
        status: 'fail',
        detail: `the certificate of ${new URL(target.authorityHost).host} is not trusted (${reason}): a TLS-inspecting proxy or firewall?`,
        remedy: 'point NODE_EXTRA_CA_CERTS at its CA certificate (PEM), e.g. NODE_EXTRA_CA_CERTS=/etc/ssl/certs/corp-ca.pem, and run again',
      });
      return undefined;
    }
    const remedy =
      error instanceof TransportError && (error.code === 'ERR_TRANSPORT' || error.code === 'ERR_TIMEOUT')
        ? networkHints(error.code, error.reason, error.url, ctx.io.env, false).map(hint).join(' ')
        : 'check --authority-host (or D365FO_AUTHORITY_HOST), the proxy (HTTPS_PROXY) and the firewall';
    lines.push({ check: 'authority', status: 'fail', detail: `${where}: ${message(error)}`, remedy });
    lines.push({ check: 'tls', status: 'skip', detail: 'not checked: no connection' });
    return undefined;
  }
}

function clockLine(seen: AuthorityProbe | undefined): CheckLine {
  if (seen === undefined) return { check: 'clock', status: 'skip', detail: "not checked: no answer from the authority" };
  const offset = seen.clockOffsetSeconds;
  if (offset === undefined) return { check: 'clock', status: 'warn', detail: 'the authority sent no Date header to compare with', remedy: 'make sure the clock is synchronised (NTP)' };
  const how = offset === 0 ? 'agrees with the authority\'s' : `is ${duration(offset)} ${offset > 0 ? 'ahead of' : 'behind'} the authority's`;
  const remedy = 'turn on time synchronisation: timedatectl set-ntp true (Linux), w32tm /resync (Windows), "Set time automatically" (macOS)';
  if (Math.abs(offset) >= CLOCK_FAIL_SECONDS) return { check: 'clock', status: 'fail', detail: `this machine's clock ${how}: tokens look expired or not yet valid`, remedy };
  if (Math.abs(offset) >= CLOCK_WARN_SECONDS) return { check: 'clock', status: 'warn', detail: `this machine's clock ${how}`, remedy };
  return { check: 'clock', status: 'ok', detail: `this machine's clock ${how}${offset === 0 ? '' : ' (within a minute)'}` };
}

async function realmLine(ctx: Context, target: Target, username: string): Promise<CheckLine> {
  try {
    const realm = await getUserRealm({ ...commonOf(ctx), authorityHost: target.authorityHost, username, timeoutMs: PROBE_TIMEOUT_MS });
    const domain = cleanLine(realm.domain);
    if (realm.accountType === 'managed') return { check: 'realm', status: 'ok', detail: `${username}: managed (cloud) account in ${domain}; the password grant can sign it in unless MFA is required` };
    if (realm.accountType === 'federated') {
      return {
        check: 'realm',
        status: 'warn',
        detail: `${username}: federated account in ${domain}${realm.federationProtocol ? ` (${cleanLine(realm.federationProtocol)})` : ''}: the password grant cannot sign it in`,
        remedy: 'sign in with --browser or --device-code, or use a cloud-only (managed) service account for --username',
      };
    }
    return { check: 'realm', status: 'fail', detail: `${username}: the domain is not known to ${target.authorityHost}`, remedy: 'check the spelling of the user name, and that --authority-host is the cloud of its tenant' };
  } catch (error) {
    if (ctx.io.signal?.aborted) throw error;
    return { check: 'realm', status: 'fail', detail: `${username}: ${message(error)}`, remedy: 'see the authority line' };
  }
}

function lcsCloudLine(target: Target): CheckLine {
  const uri = target.lcsApiUri ?? DEFAULT_LCS_API_URI;
  const known = LCS_API_URIS.find((host) => host.uri === uri.toLowerCase());
  if (!known) {
    return {
      check: 'lcs host',
      status: 'warn',
      detail: `${uri} is not a known LCS API host; its users are taken to sign in at ${AUTHORITY_HOSTS.public}`,
      remedy: `check the saved host (d365fo-auth lcs config show); the known ones: ${LCS_API_URIS.map((host) => host.uri).join(', ')}`,
    };
  }
  const expected = AUTHORITY_HOSTS[known.cloud];
  const where = `${uri} (${known.region}) signs its users in at ${expected}`;
  if (target.authorityHost === expected) return { check: 'lcs host', status: 'ok', detail: `${where}, the authority used` };
  const from = target.authorityFrom === 'flag' ? '--authority-host or D365FO_AUTHORITY_HOST' : 'the saved session';
  return {
    check: 'lcs host',
    status: 'warn',
    detail: `${where}, but ${target.authorityHost} (from ${from}) is used`,
    remedy: `right for GCC High / DoD or an emulator; otherwise drop the other authority (or sign in again with d365fo-auth lcs login)`,
  };
}

async function configFileLines(store: ConfigStore): Promise<CheckLine[]> {
  try {
    const configs = await store.odata.list();
    return [{ check: 'config file', status: 'ok', detail: `${store.path}: readable, ${configs.length} OData config${configs.length === 1 ? '' : 's'}` }];
  } catch (error) {
    return [{ check: 'config file', status: 'fail', detail: message(error), remedy: `fix or move ${store.path} (it is never overwritten while it is unreadable), then sign in again` }];
  }
}

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

/** What one saved user session holds: expiry, authority, whether a refresh token is there, the last refusal. */
function sessionLine(check: string, session: SessionRecord | undefined, signIn: string, required: boolean): CheckLine {
  const hasAccess = session?.accessToken !== undefined && session.accessToken !== '';
  const hasRefresh = session?.refreshToken !== undefined && session.refreshToken !== '';
  if (!session || (!hasAccess && !hasRefresh)) {
    return { check, status: required ? 'warn' : 'info', detail: 'no session saved', remedy: `sign in: ${signIn}` };
  }
  const parts: string[] = [];
  if (session.authorityHost) parts.push(`signed in at ${session.authorityHost}${session.tenant ? ` (tenant ${session.tenant})` : ''}`);
  if (session.clientId) parts.push(`client id ${session.clientId}`);
  const expiresAt = session.expiresAt ?? (session.expiresOn === undefined ? undefined : session.expiresOn * 1000);
  const left = expiresAt === undefined ? undefined : (expiresAt - Date.now()) / 1000;
  if (hasAccess && left !== undefined) parts.push(left > 0 ? `access token valid until ${when(expiresAt!)} (${duration(left)} left)` : `access token expired ${when(expiresAt!)}`);
  parts.push(hasRefresh ? 'a refresh token is saved' : 'no refresh token');
  const refusal = session.refreshRefused;
  if (refusal) {
    parts.push(`the last refresh was refused ${when(refusal.at)}: ${cleanLine(refusal.aadsts ?? refusal.error)}`);
    return { check, status: 'fail', detail: parts.join('; '), remedy: `the saved refresh token no longer works: sign in again (${signIn})` };
  }
  if (!hasRefresh && (left === undefined || left <= 0)) return { check, status: 'fail', detail: parts.join('; '), remedy: `nothing can renew it: sign in again (${signIn})` };
  return { check, status: 'ok', detail: parts.join('; ') };
}

/** The saved sessions' lines, read from `sessions`: the config file, or the --session-store. */
async function sessionLines(scope: Scope, sessions: SessionStore): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const line = async (check: string, id: SessionId, signIn: string, required: boolean): Promise<CheckLine> => {
    try {
      return sessionLine(check, await sessions.readSession(id), signIn, required);
    } catch (error) {
      if (sessions === scope.store) throw error; // an unreadable config file has its own line
      return { check, status: 'fail', detail: message(error), remedy: remedyOf(error) };
    }
  };
  try {
    if (scope.lcs) lines.push(await line('lcs session', 'lcs', 'd365fo-auth lcs login', scope.lcsAsked));
    const wanted = scope.odata;
    const configs = wanted === undefined ? [] : (await scope.store.odata.list()).filter((cfg) => 'all' in wanted || cfg.name === wanted.name);
    for (const cfg of configs) {
      const check = `odata "${cfg.name}"`;
      const credential = cfg.hasClientSecret ? 'a client secret' : cfg.certificateFile !== undefined ? 'a certificate' : undefined;
      if (credential !== undefined) lines.push({ check, status: 'ok', detail: `app tokens with ${credential} for client id ${cfg.clientId ?? '(none)'}` });
      else lines.push(await line(check, odataSessionId(cfg.name), `d365fo-auth odata login --config ${cfg.name}`, 'name' in wanted!));
      if (cfg.certificateFile !== undefined) lines.push(await certificateLine(`${check} certificate`, cfg.certificateFile));
    }
  } catch {
    // an unreadable config file has its own line
  }
  return lines;
}

/** With --session-store: a line saying whether it can be reached, then the sessions it holds. */
async function sessionStoreLines(ctx: Context, scope: Scope): Promise<CheckLine[]> {
  try {
    return await withSessionStore(ctx, scope.store, async (sessions, where) => [
      { check: 'session store', status: 'ok', detail: `${where}: reachable` },
      ...(await sessionLines(scope, sessions)),
    ]);
  } catch (error) {
    return [{ check: 'session store', status: 'fail', detail: message(error), remedy: remedyOf(error) }];
  }
}

function remedyOf(error: unknown): string {
  return error instanceof SessionStoreError && error.remedy !== undefined ? error.remedy : 'check --session-store (D365FO_SESSION_STORE) and D365FO_SESSION_KEY';
}

async function certificateLine(check: string, file: string): Promise<CheckLine> {
  try {
    const info = describeCertificate((await readCertificate(file)).certificate);
    const warning = expiryWarning(info, file);
    const detail = `${file}: thumbprint ${info.thumbprint}, ${cleanLine(info.subject)}, valid until ${info.notAfter}`;
    if (info.expiresInDays < 0) return { check, status: 'fail', detail, remedy: warning };
    if (warning) return { check, status: 'warn', detail, remedy: warning };
    return { check, status: 'ok', detail };
  } catch (error) {
    return { check, status: 'fail', detail: message(error), remedy: 'point the config at the certificate file (d365fo-auth odata config set NAME --certificate-file F)' };
  }
}

const LABEL: Record<Status, string> = { ok: 'ok', info: 'info', warn: 'warn', fail: 'FAIL', skip: 'skip' };

function report(lines: readonly CheckLine[]): string {
  const width = Math.max(...lines.map((line) => line.check.length));
  const out: string[] = [];
  for (const line of lines) {
    out.push(`[${LABEL[line.status]}]`.padEnd(7) + ` ${line.check.padEnd(width)}  ${cleanLine(line.detail)}`);
    if (line.remedy && line.status !== 'ok') out.push(`${''.padEnd(8 + width)}  what to do: ${cleanLine(line.remedy)}`);
  }
  const failed = lines.filter((line) => line.status === 'fail').length;
  const warned = lines.filter((line) => line.status === 'warn').length;
  out.push(failed === 0 ? `Nothing stops a sign-in${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.` : `${failed} check${failed === 1 ? '' : 's'} failed${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.`);
  return `${out.join('\n')}\n`;
}

async function run(ctx: Context): Promise<number> {
  const typed = stringOpt(ctx, 'config');
  if (typed !== undefined && ctx.values.lcs === true) throw new UsageError('give --lcs or --config NAME, not both.');
  const store = storeOf(ctx);
  const lcsAsked = ctx.values.lcs === true;
  let odata: Scope['odata'] = lcsAsked ? undefined : { all: true };
  if (typed !== undefined) {
    const names = (await store.odata.list()).map((cfg) => cfg.name);
    const found = names.find((name) => name.toLowerCase() === typed.toLowerCase());
    if (found === undefined) throw new UsageError(`there is no OData config named "${typed}".`, [names.length ? `The saved configs: ${names.join(', ')}.` : 'None is saved yet.']);
    odata = { name: found };
  }
  const scope: Scope = { store, lcs: typed === undefined, lcsAsked, odata };
  const lines: CheckLine[] = [];
  const target = await targetOf(ctx, scope, lines);
  const seen = await probe(ctx, target, lines);
  lines.push(clockLine(seen));
  const username = stringOpt(ctx, 'username');
  if (username !== undefined) lines.push(await realmLine(ctx, target, username));
  if (ctx.values.lcs === true) lines.push(lcsCloudLine(target));
  if (!lines.some((line) => line.check === 'config file')) lines.push(...(await configFileLines(store)));
  lines.push(...(ctx.sessionStore === undefined ? await sessionLines(scope, store) : await sessionStoreLines(ctx, scope)));
  const failed = lines.some((line) => line.status === 'fail');
  if (ctx.values.json === true) ctx.io.stdout.write(jsonText({ ok: !failed, checks: lines.map((line) => ({ ...line, detail: cleanLine(line.detail), ...(line.remedy ? { remedy: cleanLine(line.remedy) } : {}) })) }));
  else ctx.io.stdout.write(report(lines));
  return failed ? 1 : 0;
}

export const doctorCommands: Command[] = [
  {
    path: ['doctor'],
    summary: 'Check what would stop a sign-in (network, proxy, TLS, clock, realm, LCS cloud, saved sessions), with a remedy for each problem.',
    options: {
      lcs: { type: 'boolean', description: "check for LCS: the LCS host's cloud and the saved LCS session" },
      config: { type: 'string', value: 'NAME', kind: 'text', description: "check for a saved OData config: its tenant, authority, certificate and session" },
      username: { type: 'string', value: 'UPN', kind: 'upn', description: "also check the user's realm (managed or federated)" },
      ...jsonOptions('print JSON: { ok, checks: [{ check, status, detail, remedy }] }'),
    },
    examples: [
      'd365fo-auth doctor',
      'd365fo-auth doctor --lcs --username svc-lcs@contoso.com',
      'd365fo-auth doctor --config Dev --json | jq -r \'.checks[] | select(.status == "fail") | .remedy\'',
    ],
    run,
  },
];
