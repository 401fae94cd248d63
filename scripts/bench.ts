// `npm run bench` (full, writes bench-results.json) and `npm run bench:quick` (tiny counts, times not
// asserted): measures the budgets of issue 5 side by side in one run against the emulator over HTTPS.
// The library is the BUILT dist/; the floor is a bare undici.request() POST + JSON.parse.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import adal from 'adal-node';
import type * as Lib from '../lib/index.js';
import { CALLER_CA_VARIABLE, installProduction, pack } from './bench/install.js';
import { timeProcesses } from './bench/processes.js';
import { table, verdict, type Row } from './bench/report.js';
import { interleave, mean, median, round, type Series } from './bench/stats.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CERT = join(root, 'fixtures/tls/cert.pem');
const quick = process.argv.includes('--quick');

// Everything (library, floor, adal-node) trusts the test certificate the normal way: re-run with it.
// The caller's own NODE_EXTRA_CA_CERTS (a proxy's or a company's CA, which npm may need to reach
// its registry) goes back to the npm commands of the install row (scripts/bench/install.ts).
if (process.env.NODE_EXTRA_CA_CERTS !== CERT) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: CERT, [CALLER_CA_VARIABLE]: process.env.NODE_EXTRA_CA_CERTS ?? '' },
  });
  process.exit(child.status ?? 1);
}

const N = quick
  ? { seq: 20, warmup: 5, concurrent: 50, cachedOps: 20_000, spawns: 3, deviceWait: 3, deviceInterval: 1, cliSettleMs: 1000 }
  : { seq: 2000, warmup: 200, concurrent: 1000, cachedOps: 1_000_000, spawns: 40, deviceWait: 30, deviceInterval: 5, cliSettleMs: 3000 };
const RESOURCE = 'https://lcsapi.lcs.dynamics.com';
const ODATA = 'https://contoso.operations.dynamics.com';
const DOMAIN = 'fabrikam.onmicrosoft.com';
const USER = { username: `svc-lcs@${DOMAIN}`, password: 'Bench-Passw0rd!' };
const PUBLIC_ID = '0b6e3a52-1c9d-4f2e-8a7b-3c4d5e6f7a8b';
const CONF = { clientId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', secret: 'bench-client-secret' };
const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

log(`building dist/ (${quick ? 'quick' : 'full'} run, node ${process.version}, ${cpus().length} CPUs)`);
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

const lib = (await import(pathToFileURL(join(root, 'dist/index.js')).href)) as typeof Lib;
const undici = await import('undici');
const tls = { key: readFileSync(join(root, 'fixtures/tls/key.pem')), cert: readFileSync(CERT) };
const emulator = await lib.startEmulator({
  tls,
  tenantDomain: DOMAIN,
  users: [USER],
  clients: [{ clientId: PUBLIC_ID, allowPublicClientFlows: true }, { clientId: CONF.clientId, secret: CONF.secret }],
});
const authority = { authorityHost: emulator.url, tenant: DOMAIN };
const tokenUrl = `${emulator.url}/${DOMAIN}/oauth2/token?api-version=1.0`;
const rows: Row[] = [];
const results: Record<string, unknown> = {};

/** Empties the emulator's request log (it grows by one record per request; see the memory note). */
async function clearLog(): Promise<void> {
  const res = await undici.request(`${emulator.url}/_emulator/requests`, { method: 'DELETE' });
  await res.body.dump();
}
const tokenRequests = () => emulator.requests.filter((r) => r.path.includes('/oauth2/token')).length;

// ---- 1. sequential acquisitions: library vs floor vs adal-node ----------------------------------
// The floor sends the same request the library sends (same headers, a fresh correlation id each
// time), so the emulator's share of the round trip is the same on both sides and the ratio shows
// only the client's own cost.
const FLOOR_HEADERS = {
  accept: 'application/json',
  'return-client-request-id': 'true',
  'x-client-sku': 'd365fo-auth',
  'x-client-ver': lib.VERSION,
  'x-client-os': process.platform,
  'x-client-cpu': process.arch,
  'user-agent': `d365fo-auth/${lib.VERSION} (node ${process.version}; ${process.platform} ${process.arch})`,
  'content-type': 'application/x-www-form-urlencoded;charset=utf-8',
};
async function floorPost(form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await undici.request(tokenUrl, {
    method: 'POST',
    headers: { ...FLOOR_HEADERS, 'client-request-id': randomUUID() },
    body: new URLSearchParams(form).toString(),
  });
  const json = JSON.parse(await res.body.text()) as Record<string, unknown>;
  if (res.statusCode !== 200) throw new Error(`floor: HTTP ${res.statusCode} ${String(json['error'])}`);
  return json;
}

function adalCall<T>(fn: (ctx: InstanceType<typeof adal.AuthenticationContext>, cb: (err: Error | null, res: T) => void) => void): Promise<T> {
  // a fresh MemoryCache per call, so adal-node never answers from its cache
  const ctx = new adal.AuthenticationContext(`${emulator.url}/${DOMAIN}`, false, new adal.MemoryCache());
  return new Promise<T>((ok, fail) => fn(ctx, (err, res) => (err ? fail(err) : ok(res))));
}

interface GrantCase {
  name: string;
  library: () => Promise<unknown>;
  floor: () => Promise<unknown>;
  adal: () => Promise<unknown>;
}

const first = await lib.passwordGrant({ ...authority, clientId: PUBLIC_ID, ...USER, resource: RESOURCE });
let libRt = first.refreshToken!;
let floorRt = (await floorPost({ grant_type: 'password', client_id: PUBLIC_ID, resource: RESOURCE, ...USER, scope: 'openid' }))['refresh_token'] as string;
let adalRt = (await adalCall<adal.TokenResponse>((c, cb) => c.acquireTokenWithUsernamePassword(RESOURCE, USER.username, USER.password, PUBLIC_ID, cb as never))).refreshToken!;

const cases: GrantCase[] = [
  {
    name: 'passwordGrant',
    library: () => lib.passwordGrant({ ...authority, clientId: PUBLIC_ID, ...USER, resource: RESOURCE }),
    floor: () => floorPost({ grant_type: 'password', client_id: PUBLIC_ID, resource: RESOURCE, ...USER, scope: 'openid' }),
    adal: () => adalCall((c, cb) => c.acquireTokenWithUsernamePassword(RESOURCE, USER.username, USER.password, PUBLIC_ID, cb as never)),
  },
  {
    name: 'clientCredentialsGrant',
    library: () => lib.clientCredentialsGrant({ ...authority, clientId: CONF.clientId, clientSecret: CONF.secret, resource: ODATA }),
    floor: () => floorPost({ grant_type: 'client_credentials', client_id: CONF.clientId, client_secret: CONF.secret, resource: ODATA }),
    adal: () => adalCall((c, cb) => c.acquireTokenWithClientCredentials(ODATA, CONF.clientId, CONF.secret, cb as never)),
  },
  {
    name: 'refreshTokenGrant',
    library: async () => {
      libRt = (await lib.refreshTokenGrant({ ...authority, clientId: PUBLIC_ID, refreshToken: libRt, resource: RESOURCE })).refreshToken!;
    },
    floor: async () => {
      floorRt = (await floorPost({ grant_type: 'refresh_token', client_id: PUBLIC_ID, refresh_token: floorRt, resource: RESOURCE, scope: 'openid' }))['refresh_token'] as string;
    },
    adal: async () => {
      adalRt = (await adalCall<adal.TokenResponse>((c, cb) => c.acquireTokenWithRefreshToken(adalRt, PUBLIC_ID, RESOURCE, cb as never))).refreshToken!;
    },
  },
];

const requestsPerToken: Record<string, Record<string, number>> = {};
for (const grant of cases) {
  const series: Series[] = (['floor', 'library', 'adal'] as const).map((who) => ({ name: who, op: grant[who], times: [] }));
  // requests per token, counted at the emulator, for each client alone
  requestsPerToken[grant.name] = {};
  for (const s of series) {
    await s.op(); // warm (the realm cache fills on the library's first password grant)
    await clearLog();
    const perTokenRuns = 10;
    for (let i = 0; i < perTokenRuns; i++) await s.op();
    requestsPerToken[grant.name]![s.name] = emulator.requests.length / perTokenRuns;
  }
  await clearLog();
  const heapBefore = process.memoryUsage().heapUsed;
  // the emulator's request log is emptied every 100 rounds (untimed): left to grow to thousands of
  // records, its old-generation collections would land in whichever series happened to be running
  let logged = 0;
  const drainLog = async () => {
    logged += emulator.requests.length;
    await clearLog();
  };
  await interleave(series, N.seq, N.warmup, 100, drainLog);
  await drainLog();
  const heapAfter = process.memoryUsage().heapUsed;
  const [floor, library, adalSeries] = series as [Series, Series, Series];
  const stat = (s: Series) => ({ meanMs: round(mean(s.times), 3), medianMs: round(median(s.times), 3) });
  const r = { floor: stat(floor), library: stat(library), adal: stat(adalSeries), requestLogEntries: logged, heapGrowthMiB: round((heapAfter - heapBefore) / 1048576, 1) };
  const ratioMean = r.library.meanMs / r.floor.meanMs;
  const ratioMedian = r.library.medianMs / r.floor.medianMs;
  results[grant.name] = { ...r, ratioMean: round(ratioMean, 3), ratioMedian: round(ratioMedian, 3), adalRatioMedian: round(r.adal.medianMs / r.floor.medianMs, 3) };
  rows.push({
    what: `\`${grant.name}\` per token, ${N.seq} sequential (mean / median)`,
    measured: `${r.library.meanMs} / ${r.library.medianMs} ms = **${round(ratioMean)}× / ${round(ratioMedian)}×** floor (${r.floor.meanMs} / ${r.floor.medianMs} ms); adal-node ${r.adal.meanMs} / ${r.adal.medianMs} ms = ${round(r.adal.meanMs / r.floor.meanMs)}× / ${round(r.adal.medianMs / r.floor.medianMs)}×`,
    budget: '≤ 1.10× floor',
    pass: ratioMean <= 1.1 && ratioMedian <= 1.1,
  });
  log(`${grant.name}: ${rows.at(-1)!.measured}`);
}

// requests per token; the first password grant for a new domain costs the realm lookup too
lib.clearUserRealmCache();
await clearLog();
await lib.passwordGrant({ ...authority, clientId: PUBLIC_ID, ...USER, resource: RESOURCE });
const firstPassword = emulator.requests.length;
await clearLog();
results['requestsPerToken'] = { ...requestsPerToken, firstPasswordGrantForDomain: firstPassword };
const libPer = cases.map((c) => requestsPerToken[c.name]!['library']!);
rows.push({
  what: 'HTTP requests per token (password / client credentials / refresh)',
  measured: `library ${libPer.join(' / ')}, first password grant for a domain ${firstPassword}; adal-node ${cases.map((c) => requestsPerToken[c.name]!['adal']).join(' / ')}`,
  budget: '1 (first password grant per domain: 2)',
  pass: libPer.every((n) => n === 1) && firstPassword === 2,
});

// ---- 2. the token provider: single flight, then the cached path -----------------------------------
const work = mkdtempSync(join(tmpdir(), 'd365fo-auth-bench-'));
const configPath = join(work, 'config.json');
const store = lib.openConfigStore({ path: configPath });
await store.lcs.set({ clientId: PUBLIC_ID, lcsApiUri: RESOURCE });
await store.lcs.set(await lib.passwordGrant({ ...authority, clientId: PUBLIC_ID, ...USER, resource: RESOURCE }));
const saved = JSON.parse(readFileSync(configPath, 'utf8')) as { lcs: Record<string, unknown> };
saved.lcs['activeTokenExpiresAt'] = Date.now() - 1000; // expired
writeFileSync(configPath, JSON.stringify(saved, null, 2));
await clearLog();
const provider = lib.createTokenProvider({ store: lib.openConfigStore({ path: configPath }), authorityHost: emulator.url });
const concurrent = await Promise.all(Array.from({ length: N.concurrent }, () => provider.getToken()));
const refreshes = tokenRequests();
const sameToken = concurrent.every((t) => t.accessToken === concurrent[0]!.accessToken);
// the other way a provider needs a token: a warm one (its token in memory) whose token has expired
// since; its clock is moved past the expiry, which the saved copy shares, so one refresh is due
let clockShiftMs = 0;
const shiftedClock: Lib.Clock = { now: () => Date.now() + clockShiftMs, sleep: (ms, signal) => delay(ms, undefined, { signal }) };
const warm = lib.createTokenProvider({ store: lib.openConfigStore({ path: configPath }), authorityHost: emulator.url, clock: shiftedClock });
const tokenBeforeExpiry = await warm.getToken();
const warmedUp = tokenRequests();
const warmLoadRequests = warmedUp - refreshes;
clockShiftMs = tokenBeforeExpiry.expiresAt - Date.now() + 1000;
const afterExpiry = await Promise.all(Array.from({ length: N.concurrent }, () => warm.getToken()));
const tokenRequestsBeforeCached = tokenRequests();
const expiredRefreshes = tokenRequestsBeforeCached - warmedUp;
const sameAfterExpiry = afterExpiry.every((t) => t.accessToken === afterExpiry[0]!.accessToken) && afterExpiry[0]!.accessToken !== tokenBeforeExpiry.accessToken;
results['singleFlight'] = {
  callers: N.concurrent,
  tokenRequests: refreshes,
  allCallersGotTheSameToken: sameToken,
  expiredInMemory: { tokenRequestsToWarmUp: warmLoadRequests, tokenRequests: expiredRefreshes, allCallersGotTheSameNewToken: sameAfterExpiry },
};
const requestsText = (n: number) => `${n} token request${n === 1 ? '' : 's'}`;
rows.push({
  what: `${N.concurrent} concurrent \`getToken()\` on a cold provider with an expired saved token, and on a warm provider whose token expired`,
  measured: `cold: ${requestsText(refreshes)}${sameToken ? ', one token for all callers' : ', DIFFERENT tokens'}; expired in memory: ${requestsText(expiredRefreshes)}${sameAfterExpiry ? ', one new token for all callers' : ', NOT one new token'} (warming it up: ${requestsText(warmLoadRequests)})`,
  budget: 'exactly 1 each',
  pass: refreshes === 1 && sameToken && expiredRefreshes === 1 && sameAfterExpiry && warmLoadRequests === 0,
});

const cache = new Map<string, Lib.AadToken>([['lcs', concurrent[0]!]]);
const floorGet = async (): Promise<Lib.AadToken | undefined> => cache.get('lcs');
async function opsPerSecond(op: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N.cachedOps; i++) await op();
  return N.cachedOps / ((performance.now() - t0) / 1000);
}
const cachedRuns = { provider: [] as number[], floor: [] as number[] };
for (let trial = 0; trial < 5; trial++) {
  cachedRuns.floor.push(await opsPerSecond(floorGet));
  cachedRuns.provider.push(await opsPerSecond(() => provider.getToken()));
}
const providerOps = median(cachedRuns.provider);
const floorOps = median(cachedRuns.floor);
results['cachedGetToken'] = { opsPerSecond: Math.round(providerOps), floorOpsPerSecond: Math.round(floorOps), ratio: round(providerOps / floorOps, 3), tokenRequests: tokenRequests() - tokenRequestsBeforeCached };
rows.push({
  what: 'cached `getToken()` (median of 5 × ' + N.cachedOps.toLocaleString('en') + ')',
  measured: `${(providerOps / 1e6).toFixed(2)} M ops/s = **${round(providerOps / floorOps)}×** a \`Map.get\` + \`await\` floor (${(floorOps / 1e6).toFixed(2)} M ops/s)`,
  budget: '≥ 1,000,000 ops/s and ≥ 0.66× floor',
  pass: providerOps >= 1e6 && providerOps / floorOps >= 0.66,
});
log(`provider: ${rows.at(-2)!.measured}; cached ${rows.at(-1)!.measured}`);

// ---- 3. two bursts of concurrent grants on a fresh global dispatcher: are connections reused? ------
let serverSockets = 0;
let clientConnects = 0;
// only this emulator's sockets (the device-code child polls another emulator in this process)
const onServerSocket = (message: unknown) => {
  if ((message as { socket?: { localPort?: number } }).socket?.localPort === emulator.address.port) serverSockets++;
};
const onClientConnect = () => clientConnects++;
diagnostics.subscribe('net.server.socket', onServerSocket);
diagnostics.subscribe('undici:client:connected', onClientConnect);
const previous = undici.getGlobalDispatcher();
undici.setGlobalDispatcher(new undici.Agent());
const bursts: { wallMs: number; newServerConnections: number; newClientConnections: number }[] = [];
for (let burst = 0; burst < 2; burst++) {
  const [s0, c0] = [serverSockets, clientConnects];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N.concurrent }, () => lib.clientCredentialsGrant({ ...authority, clientId: CONF.clientId, clientSecret: CONF.secret, resource: ODATA })));
  bursts.push({ wallMs: round(performance.now() - t0, 1), newServerConnections: serverSockets - s0, newClientConnections: clientConnects - c0 });
}
await undici.getGlobalDispatcher().close();
undici.setGlobalDispatcher(previous);
diagnostics.unsubscribe('net.server.socket', onServerSocket);
diagnostics.unsubscribe('undici:client:connected', onClientConnect);
await clearLog();
results['bursts'] = { size: N.concurrent, burst1: bursts[0], burst2: bursts[1] };
rows.push({
  what: `two bursts of ${N.concurrent} concurrent \`clientCredentialsGrant\``,
  measured: `burst 1 ${bursts[0]!.wallMs} ms, ${bursts[0]!.newServerConnections} new connections; burst 2 ${bursts[1]!.wallMs} ms, ${bursts[1]!.newServerConnections} new connections`,
  budget: 'burst 2 reuses connections (opens at most 1% of burst 1\'s)',
  pass: bursts[1]!.newServerConnections <= bursts[0]!.newServerConnections / 100 && bursts[1]!.newClientConnections <= bursts[0]!.newClientConnections / 100,
});
log(`bursts: ${rows.at(-1)!.measured}`);

// ---- 4. whole processes: import and the CLI's fast path -------------------------------------------
log(`timing processes (${N.spawns} runs each, interleaved)`);
const [E0, IMPORT, EMPTY_IMPORT, TOKEN] = ['node -e 0', "import('d365fo-auth')", 'import of an empty ES module package', 'd365fo-auth lcs token'];
// Node's own cost of importing an ES module package (an empty one, with its own "exports" map, from
// node_modules), timed beside the library's import: what no package can go below on the machine
const EMPTY = 'bench-empty-esm';
const emptyDir = join(work, 'empty-package');
mkdirSync(join(emptyDir, 'node_modules', EMPTY), { recursive: true });
writeFileSync(join(emptyDir, 'node_modules', EMPTY, 'package.json'), JSON.stringify({ name: EMPTY, version: '1.0.0', type: 'module', exports: { '.': './index.js' } }));
writeFileSync(join(emptyDir, 'node_modules', EMPTY, 'index.js'), 'export {};\n');
const { medians: processes, lowerQuartiles } = timeProcesses(
  [
    { name: E0, args: ['-e', '0'] },
    { name: IMPORT, args: ['-e', "import('d365fo-auth')"] },
    { name: EMPTY_IMPORT, args: ['-e', `import('${EMPTY}')`], cwd: emptyDir },
    {
      name: TOKEN,
      args: [join(root, 'dist/cli/bin.cjs'), 'lcs', 'token'],
      env: { D365FO_AUTH_CONFIG: configPath },
      check: (out) => {
        if (!out.startsWith('Bearer ')) throw new Error('lcs token printed no Bearer line');
      },
    },
  ],
  N.spawns,
  root,
);
const importOver = processes[IMPORT]! - processes[E0]!;
const emptyOver = processes[EMPTY_IMPORT]! - processes[E0]!;
const cliRatio = processes[TOKEN]! / processes[E0]!;
const lower = { importOver: lowerQuartiles[IMPORT]! - lowerQuartiles[E0]!, emptyOver: lowerQuartiles[EMPTY_IMPORT]! - lowerQuartiles[E0]!, cliRatio: lowerQuartiles[TOKEN]! / lowerQuartiles[E0]! };
const ms = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v, 1)]));
results['processes'] = {
  medianMs: ms(processes),
  importOverMs: round(importOver, 1),
  emptyPackageImportOverMs: round(emptyOver, 1),
  cliRatio: round(cliRatio, 3),
  lowerQuartileMs: ms(lowerQuartiles),
  lowerQuartile: { importOverMs: round(lower.importOver, 1), emptyPackageImportOverMs: round(lower.emptyOver, 1), cliRatio: round(lower.cliRatio, 3) },
  runs: N.spawns,
};
rows.push({
  what: "`import('d365fo-auth')`, whole process (median)",
  measured: `${round(processes[IMPORT]!, 1)} ms = **+${round(importOver, 1)} ms** over \`node -e 0\` (${round(processes[E0]!, 1)} ms); an empty ES module package, same run: +${round(emptyOver, 1)} ms; lower quartiles: +${round(lower.importOver, 1)} ms, empty package +${round(lower.emptyOver, 1)} ms`,
  budget: '≤ 15 ms over `node -e 0`',
  pass: importOver <= 15,
});
rows.push({
  what: '`d365fo-auth lcs token`, valid saved token, whole process (median)',
  measured: `${round(processes[TOKEN]!, 1)} ms = **${round(cliRatio)}×** \`node -e 0\`; lower quartiles: ${round(lower.cliRatio)}×`,
  budget: '≤ 1.5× `node -e 0`',
  pass: cliRatio <= 1.5,
});
log(`processes: ${JSON.stringify(results['processes'])}`);

// ---- 5. the device-code wait (child processes) -----------------------------------------------------
// It runs after the timed rows, not beside them: its emulator answers polls on this process's
// thread, and the children's start-up takes the second core, both of which landed as stalls in
// whichever grant series happened to be running. A second child, a bare undici.request() poller,
// is the floor of the wait; a third polls with Node's own https.request() (no undici at all), to
// show what any HTTPS client pays for the wait on the machine; a fourth only wakes on the same
// timer and sends nothing (what the machine charges a Node process for waking up). A fifth is the
// library again with V8's memory reducer for small heaps switched off (a diagnosis, not a budget):
// V8 starts that reducer in any process whose old generation grew by 1 MB before its first full
// GC, and once the process idles it runs two full GCs, which is most of the wait's CPU on Node 20
// and 22. A sixth is the library with WebAssembly kept on V8's baseline compiler (--liftoff-only,
// also a diagnosis): V8 recompiles the hot function of undici's WebAssembly HTTP parser with its
// optimising compiler once it has parsed a few responses, which on Node 22 and 24 falls in the wait
// (about 100-200 ms of CPU here) and on Node 20 mostly before it. A seventh is the CLI's own
// device-code sign-in (`odata login`), a row of its own: the executable owns its process and sets
// the V8 flags a waiting command wants (lib/cli/bin.ts). The seven wait side by side (each is idle
// almost all the time).
log(`device-code wait (${N.deviceWait} s, seven processes side by side)`);
/** The waiters that run the library, and the V8 flags each starts with (the last two are diagnoses). */
const LIBRARY_WAITERS = { library: [], noReducer: ['--no-memory-reducer-for-small-heaps'], liftoffOnly: ['--liftoff-only'] };
type LibraryWaiter = keyof typeof LIBRARY_WAITERS;
const runsLibrary = (mode: string): mode is LibraryWaiter => Object.hasOwn(LIBRARY_WAITERS, mode);

const FLOOR_ID = '5c4b3a29-1807-4f6e-9d5c-4b3a29180716';
const HTTPS_ID = '6d5c4b3a-2918-4071-8e6d-5c4b3a291807';
const NO_REDUCER_ID = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const LIFTOFF_ID = '8f7e6d5c-4b3a-4291-8a8f-7e6d5c4b3a29';
const CLI_ID = '9a8f7e6d-5c4b-4a29-8b9a-8f7e6d5c4b3a';

/**
 * What every waiting process runs around its wait (source text, in that process; plain script, so
 * both an ES module and a CommonJS preload can hold it): full GCs counted with their main-thread
 * pauses (V8's memory reducer shrinking the start-up heap, in practice; the observer is set up
 * before the window), the main thread's own CPU clock, `startWindow()` and
 * `windowReport(outcome, spilloverUsage)`, the JSON line of a `DeviceWait` without its polls.
 */
const WAIT_PROBES = `
    const { PerformanceObserver, constants } = process.getBuiltinModule('node:perf_hooks');
    const fullGcs = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcs.push(entry.duration);
    }).observe({ entryTypes: ['gc'] });
    // the main thread's own share (process.cpuUsage() also counts V8's worker threads: concurrent
    // marking, background compiles): process.threadCpuUsage() where Node has it (23.9+), else
    // Linux's per-thread scheduler clock; null where neither is there
    const mainThreadMs = () => {
      if (process.threadCpuUsage) { const usage = process.threadCpuUsage(); return (usage.user + usage.system) / 1000; }
      try { return Number(process.getBuiltinModule('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6; } catch { return null; }
    };
    mainThreadMs(); // once before the window: its first call's own cost stays out of it
    let window;
    const startWindow = () => {
      fullGcs.length = 0;
      window = { cpu: process.cpuUsage(), main: mainThreadMs(), t0: performance.now() };
    };
    const windowReport = (outcome, spillover) => {
      const mainAfter = mainThreadMs();
      const ms = (usage) => (usage.user + usage.system) / 1000;
      return JSON.stringify({
        outcome, cpuMs: ms(process.cpuUsage(window.cpu)), wallMs: performance.now() - window.t0,
        mainThreadCpuMs: window.main === null || mainAfter === null ? null : mainAfter - window.main,
        startupSpilloverCpuMs: ms(spillover), fullGcs: fullGcs.length, fullGcPauseMs: fullGcs.reduce((a, b) => a + b, 0),
      });
    };`;

const deviceEmulator = await lib.startEmulator({
  tls,
  tenantDomain: DOMAIN,
  users: [USER],
  clients: [PUBLIC_ID, FLOOR_ID, HTTPS_ID, NO_REDUCER_ID, LIFTOFF_ID, CLI_ID].map((clientId) => ({ clientId, allowPublicClientFlows: true })),
  deviceCodeIntervalSeconds: N.deviceInterval,
});
const [device, deviceFloor, deviceHttps, deviceIdle, deviceNoReducer, deviceLiftoff, deviceCli] = await Promise.all([
  runDeviceWait('library'),
  runDeviceWait('floor'),
  runDeviceWait('https'),
  runDeviceWait('idle'),
  runDeviceWait('noReducer'),
  runDeviceWait('liftoffOnly'),
  runCliDeviceWait(),
]);
const maxPolls = Math.ceil(N.deviceWait / N.deviceInterval) + 1;
results['deviceCodeWait'] = { ...device, waitSeconds: N.deviceWait, intervalSeconds: N.deviceInterval, maxPolls, floor: deviceFloor, nodeHttps: deviceHttps, idle: deviceIdle, libraryWithoutSmallHeapReducer: deviceNoReducer, libraryWithoutWasmTierUp: deviceLiftoff };
rows.push({
  what: `device-code wait of ${N.deviceWait} s with \`interval\` ${N.deviceInterval}`,
  measured: `${device.polls} polls, **${round(device.cpuMs, 1)} ms** CPU in ${round(device.wallMs / 1000, 1)} s (${device.outcome})${threadSplit(device)}, with ${device.fullGcs} full GC(s) in it (${round(device.fullGcPauseMs, 1)} ms of pauses); floor (bare \`undici.request()\` poller, same run): ${deviceFloor.polls} polls, ${round(deviceFloor.cpuMs, 1)} ms = ${round(device.cpuMs / deviceFloor.cpuMs)}×${threadSplit(deviceFloor)}, ${deviceFloor.fullGcs} full GC(s); Node's own \`https.request()\` poller (no undici): ${deviceHttps.polls} polls, ${round(deviceHttps.cpuMs, 1)} ms, ${deviceHttps.fullGcs} full GC(s); an idle process waking on the same timer (no requests): ${round(deviceIdle.cpuMs, 1)} ms; the library with V8's small-heap memory reducer off (\`--no-memory-reducer-for-small-heaps\`, diagnosis only): ${deviceNoReducer.polls} polls, ${round(deviceNoReducer.cpuMs, 1)} ms, ${deviceNoReducer.fullGcs} full GC(s); the library with WebAssembly on V8's baseline compiler only (\`--liftoff-only\`, diagnosis only): ${deviceLiftoff.polls} polls, ${round(deviceLiftoff.cpuMs, 1)} ms, ${deviceLiftoff.fullGcs} full GC(s); startup spill-over before the wait, not counted: ${round(device.startupSpilloverCpuMs, 1)} ms`,
  budget: `polls ≤ ${maxPolls}; CPU ≤ 50 ms`,
  pass: device.polls <= maxPolls && device.cpuMs <= 50 && device.outcome === 'ERR_DEVICE_CODE_TIMEOUT',
});
results['deviceCodeWaitCli'] = deviceCli;
rows.push({
  what: `device-code wait of ${N.deviceWait} s with \`interval\` ${N.deviceInterval}, the CLI (\`odata login --timeout ${N.deviceWait}\`)`,
  measured: `${deviceCli.polls} polls, **${round(deviceCli.cpuMs, 1)} ms** CPU in the last ${round(deviceCli.wallMs / 1000, 1)} s of the wait (every poll falls in it; ${deviceCli.outcome})${threadSplit(deviceCli)}, with ${deviceCli.fullGcs} full GC(s) in it (${round(deviceCli.fullGcPauseMs, 1)} ms of pauses); its first ${N.cliSettleMs / 1000} s (start-up, device code, settle), not counted: ${round(deviceCli.startupSpilloverCpuMs, 1)} ms`,
  budget: `polls ≤ ${maxPolls}; CPU ≤ 50 ms`,
  pass: deviceCli.polls <= maxPolls && deviceCli.cpuMs <= 50 && deviceCli.outcome === 'exit code 3',
});

/** The device-code polls the emulator received from one waiter (each waiter has its own client id). */
function pollsBy(clientId: string | undefined): number {
  return deviceEmulator.requests.filter((r) => r.form['grant_type'] === 'device_code' && r.form['client_id'] === clientId).length;
}

/** Where a wait's CPU ran: the waiting code's own (main) thread, and V8's worker threads beside it. */
function threadSplit(wait: DeviceWait): string {
  if (wait.mainThreadCpuMs === null) return '';
  return ` (main thread ${round(wait.mainThreadCpuMs, 1)} ms, other threads ${round(Math.max(0, wait.cpuMs - wait.mainThreadCpuMs), 1)} ms)`;
}

type DeviceWait = { polls: number; cpuMs: number; mainThreadCpuMs: number | null; wallMs: number; outcome: string; startupSpilloverCpuMs: number; fullGcs: number; fullGcPauseMs: number };

/**
 * One waiting process: requests a device code that nobody approves, settles, then waits N.deviceWait
 * seconds on it, reporting the CPU of the wait. `library`: pollDeviceCode() from dist/. `floor`: the
 * same wait done by hand with bare undici.request() POSTs + JSON.parse every `interval` seconds.
 * `https`: the same by hand with Node's https.request() over a keep-alive agent. `idle`: the same
 * timer, no requests. `noReducer`: `library` in a Node started with --no-memory-reducer-for-small-heaps.
 * `liftoffOnly`: `library` in a Node started with --liftoff-only.
 */
async function runDeviceWait(mode: LibraryWaiter | 'floor' | 'https' | 'idle'): Promise<DeviceWait> {
  const clientId = { library: PUBLIC_ID, floor: FLOOR_ID, https: HTTPS_ID, idle: undefined, noReducer: NO_REDUCER_ID, liftoffOnly: LIFTOFF_ID }[mode];
  const settle = `
    ${WAIT_PROBES}
    // V8 finishes startup work (compiling, GC) on background threads for about a second, which
    // process.cpuUsage() counts: let it settle first, and report it apart from the wait
    const settle = process.cpuUsage();
    await new Promise((ok) => setTimeout(ok, 2000));
    const settleCpu = process.cpuUsage(settle);
    startWindow();
    let outcome = 'token';`;
  const report = `
    await new Promise((ok) => setImmediate(ok)); // observer entries arrive asynchronously
    console.log(windowReport(outcome, settleCpu));`;
  const url = `process.env.BENCH_URL + '/${DOMAIN}/oauth2/' + path + '?api-version=1.0'`;
  const post = {
    floor: `
    const { request } = await import('undici');
    const post = async (path, body) => {
      const res = await request(${url}, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return JSON.parse(await res.body.text());
    };`,
    https: `
    const https = await import('node:https');
    const agent = new https.Agent({ keepAlive: true });
    const post = (path, body) => new Promise((ok, fail) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) };
      const req = https.request(${url}, { method: 'POST', agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => { try { ok(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (error) { fail(error); } });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(body);
    });`,
    // the same loop and timer, and no request: every answer says to keep waiting
    idle: `
    const post = async () => ({ interval: ${N.deviceInterval}, device_code: '', error: 'authorization_pending' });`,
  };
  const script =
    runsLibrary(mode)
      ? `
    const lib = await import(process.env.BENCH_LIB);
    const code = await lib.requestDeviceCode({ authorityHost: process.env.BENCH_URL, tenant: '${DOMAIN}', clientId: '${clientId}', resource: '${RESOURCE}' });
    ${settle}
    try { await lib.pollDeviceCode(code, { authorityHost: process.env.BENCH_URL, tenant: '${DOMAIN}', timeoutSeconds: ${N.deviceWait} }); }
    catch (error) { outcome = error.code ?? String(error); }
    ${report}`
      : `
    ${post[mode]}
    const code = await post('devicecode', 'client_id=${clientId}&resource=${encodeURIComponent(RESOURCE)}');
    ${settle}
    const end = Date.now() + ${N.deviceWait} * 1000;
    const form = 'grant_type=device_code&client_id=${clientId}&resource=${encodeURIComponent(RESOURCE)}&code=' + encodeURIComponent(code.device_code);
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) { outcome = 'ERR_DEVICE_CODE_TIMEOUT'; break; }
      await new Promise((ok) => setTimeout(ok, Math.min(Number(code.interval) * 1000, left)));
      const answer = await post('token', form);
      if (answer.error !== 'authorization_pending') { outcome = answer.error ?? 'token'; break; }
    }
    ${report}`;
  const flags: string[] = runsLibrary(mode) ? LIBRARY_WAITERS[mode] : [];
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, BENCH_LIB: pathToFileURL(join(root, 'dist/index.js')).href, BENCH_URL: deviceEmulator.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  await new Promise((ok) => child.on('close', ok));
  const parsed = JSON.parse(out) as Omit<DeviceWait, 'polls'>;
  return { ...parsed, polls: pollsBy(clientId) };
}

/**
 * The CLI's device-code sign-in as a user runs it: `odata login` from dist/ on a device code nobody
 * approves, until its --timeout. The CLI prints nothing a measurement could hook, so a preloaded
 * file (node -r) holds the same probes as the library's waiters, opens the window N.cliSettleMs
 * after start (its start-up, device code and a settle) and writes the report to a file at exit;
 * a CLI that exits before the window opens writes none. The window misses none of the polls: the
 * first comes one interval after the device code.
 */
async function runCliDeviceWait(): Promise<DeviceWait> {
  const preload = join(work, 'cli-wait.cjs');
  const reportFile = join(work, 'cli-wait.json');
  writeFileSync(
    preload,
    `${WAIT_PROBES}
let startup;
setTimeout(() => { startup = process.cpuUsage(); startWindow(); }, ${N.cliSettleMs}).unref();
process.on('exit', () => startup && process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(reportFile)}, windowReport('exit code ' + process.exitCode, startup)));
`,
  );
  const argv = ['odata', 'login', '--tenant', DOMAIN, '--url', ODATA, '--client-id', CLI_ID, '--timeout', String(N.deviceWait), '--no-browser', '--no-clipboard'];
  const child = spawn(process.execPath, ['-r', preload, join(root, 'dist/cli/bin.cjs'), ...argv], {
    cwd: root,
    env: { ...process.env, D365FO_AUTHORITY_HOST: deviceEmulator.url, D365FO_AUTH_CONFIG: join(work, 'cli-wait-config.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  await new Promise((ok) => child.on('close', ok));
  let parsed: Omit<DeviceWait, 'polls'>;
  try {
    parsed = JSON.parse(readFileSync(reportFile, 'utf8')) as Omit<DeviceWait, 'polls'>;
  } catch {
    throw new Error(`the CLI waiter wrote no report (it exited before its window opened, or failed): ${err}`);
  }
  return { ...parsed, polls: pollsBy(CLI_ID) };
}

// ---- 6. the production install --------------------------------------------------------------------
log('packing and installing the tarball (npm install --omit=dev)');
const packed = pack(root, work);
let install: { mebibytes: number; packages: string[] } | undefined;
try {
  install = installProduction(packed.tarball, join(work, 'install'));
} catch (error) {
  log(`npm install failed: ${(error as Error).message.split('\n')[0]}`);
}
results['install'] = {
  tarballFiles: packed.files.length,
  unpackedMiB: round(packed.unpackedBytes / 1048576, 3),
  emulatorKiB: round(packed.emulatorBytes / 1024, 1),
  unwantedFiles: packed.unwanted,
  nodeModulesMiB: install ? round(install.mebibytes, 2) : null,
  packages: install?.packages ?? null,
};
rows.push({
  what: 'production install (`npm install --omit=dev` of the packed tarball)',
  measured: install
    ? `${round(install.mebibytes, 2)} MiB, ${install.packages.length} packages (${install.packages.join(', ')}); tarball ${packed.files.length} files, ${round(packed.unpackedBytes / 1024, 0)} KiB unpacked (emulator ${round(packed.emulatorBytes / 1024, 0)} KiB), ${packed.unwanted.length} unwanted files`
    : 'npm install failed (see log)',
  budget: '≤ 4.5 MiB, 4 packages; no tests, fixtures, sources or source maps',
  pass: install !== undefined && install.mebibytes <= 4.5 && install.packages.length <= 4 && packed.unwanted.length === 0,
});

// ---- report ---------------------------------------------------------------------------------------
await emulator.stop();
await deviceEmulator.stop();
await undici.getGlobalDispatcher().close();
rmSync(work, { recursive: true, force: true });

const output = table(rows, !quick);
console.log(`\nd365fo-auth bench (${quick ? 'quick: counts are tiny and times are not asserted' : 'full'}), node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}\n`);
console.log(output);
const misses = rows.filter((row) => row.pass === false);
const file = quick ? 'bench-results.local.json' : 'bench-results.json';
writeFileSync(
  join(root, file),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, counts: N, rows: rows.map((row) => ({ ...row, result: verdict(row, true) })), results }, null, 2)}\n`,
);
console.log(`\n${misses.length === 0 ? 'every budget met' : `${misses.length} budget(s) missed`}; written to ${file} in ${round((performance.now() - started) / 1000, 1)} s`);
process.exitCode = quick || misses.length === 0 ? 0 : 1;
