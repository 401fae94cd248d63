// `npm run bench` (full) and `npm run bench:quick` (tiny counts, times not asserted): measures the
// budgets of the specification as ratios to floors measured in the same run, against the emulator over HTTPS,
// and writes .bench/results.json. The library is the BUILT dist/; the grants' floor is a bare
// undici.request() POST + JSON.parse.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import adal from 'adal-node';
import type * as Lib from '../lib/index.js';
import { CALLER_CA_VARIABLE, installProduction, pack } from './bench/install.js';
import { timeProcesses } from './bench/processes.js';
import { benchRedisFleet, redisFleetRow } from './bench/redis.js';
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
  ? { seq: 20, warmup: 5, concurrent: 50, cachedOps: 20_000, spawns: 3, deviceWait: 3, deviceInterval: 1 }
  : { seq: 2000, warmup: 200, concurrent: 1000, cachedOps: 1_000_000, spawns: 40, deviceWait: 30, deviceInterval: 5 };
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
  budget: '≥ 0.5× floor',
  pass: providerOps / floorOps >= 0.5,
});
log(`provider: ${rows.at(-2)!.measured}; cached ${rows.at(-1)!.measured}`);

// ---- 3. whole processes: import and the CLI's saved-token path ------------------------------------
log(`timing processes (${N.spawns} runs each, interleaved)`);
const [E0, IMPORT, TOKEN] = ['node -e 0', "import('d365fo-auth')", 'd365fo-auth lcs token'];
const { medians: processes } = timeProcesses(
  [
    { name: E0, args: ['-e', '0'] },
    { name: IMPORT, args: ['--input-type=module', '-e', "await import('d365fo-auth')"] },
    {
      name: TOKEN,
      args: [join(root, 'dist/cli/bin.js'), 'lcs', 'token'],
      env: { D365FO_AUTH_CONFIG: configPath },
      check: (out) => {
        if (!out.startsWith('Bearer ')) throw new Error('lcs token printed no Bearer line');
      },
    },
  ],
  N.spawns,
  root,
);
const importRatio = processes[IMPORT]! / processes[E0]!;
const cliRatio = processes[TOKEN]! / processes[E0]!;
results['processes'] = { medianMs: Object.fromEntries(Object.entries(processes).map(([k, v]) => [k, round(v, 1)])), importRatio: round(importRatio, 3), cliRatio: round(cliRatio, 3), runs: N.spawns };
rows.push({
  what: "`import('d365fo-auth')`, whole process (median)",
  measured: `${round(processes[IMPORT]!, 1)} ms = **${round(importRatio)}×** \`node -e 0\` (${round(processes[E0]!, 1)} ms)`,
  budget: '≤ 1.5× `node -e 0`',
  pass: importRatio <= 1.5,
});
rows.push({
  what: '`d365fo-auth lcs token`, valid saved token, whole process (median)',
  measured: `${round(processes[TOKEN]!, 1)} ms = **${round(cliRatio)}×** \`node -e 0\``,
  budget: '≤ 2× `node -e 0`',
  pass: cliRatio <= 2,
});
log(`processes: ${JSON.stringify(results['processes'])}`);

// ---- 4. the device-code wait (child processes) -----------------------------------------------------
// After the timed rows, so neither disturbs the other. Two waiters in plain Node processes wait on a
// device code nobody approves: the library's pollDeviceCode(), and the floor, a bare undici.request()
// poller making the same requests. Each reports the CPU of its wait (after a settle of 2 s).
const FLOOR_ID = '5c4b3a29-1807-4f6e-9d5c-4b3a29180716';
type DeviceWait = { polls: number; cpuMs: number; wallMs: number; outcome: string };
const deviceEmulator = await lib.startEmulator({
  tls,
  tenantDomain: DOMAIN,
  users: [USER],
  clients: [PUBLIC_ID, FLOOR_ID].map((clientId) => ({ clientId, allowPublicClientFlows: true })),
  deviceCodeIntervalSeconds: N.deviceInterval,
});
const pollsBy = (clientId: string) => deviceEmulator.requests.filter((r) => r.form['grant_type'] === 'device_code' && r.form['client_id'] === clientId).length;

async function runDeviceWait(mode: 'library' | 'floor'): Promise<DeviceWait> {
  const clientId = mode === 'library' ? PUBLIC_ID : FLOOR_ID;
  const settle = `
    await new Promise((ok) => setTimeout(ok, 2000));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let outcome = 'token';`;
  const report = `
    const cpu = process.cpuUsage(cpu0);
    console.log(JSON.stringify({ outcome, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 }));`;
  const url = `process.env.BENCH_URL + '/${DOMAIN}/oauth2/' + path + '?api-version=1.0'`;
  const script =
    mode === 'library'
      ? `
    const lib = await import(process.env.BENCH_LIB);
    const code = await lib.requestDeviceCode({ authorityHost: process.env.BENCH_URL, tenant: '${DOMAIN}', clientId: '${clientId}', resource: '${RESOURCE}' });
    ${settle}
    try { await lib.pollDeviceCode(code, { timeoutSeconds: ${N.deviceWait} }); } catch (error) { outcome = error.code ?? String(error); }
    ${report}`
      : `
    const { request } = await import('undici');
    const post = async (path, body) => {
      const res = await request(${url}, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return JSON.parse(await res.body.text());
    };
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
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, BENCH_LIB: pathToFileURL(join(root, 'dist/index.js')).href, BENCH_URL: deviceEmulator.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  await new Promise((ok) => child.on('close', ok));
  return { ...(JSON.parse(out) as Omit<DeviceWait, 'polls'>), polls: pollsBy(clientId) };
}

const [device, deviceFloor] = await Promise.all([runDeviceWait('library'), runDeviceWait('floor')]);
const maxPolls = Math.ceil(N.deviceWait / N.deviceInterval) + 1;
const waitRatio = device.cpuMs / deviceFloor.cpuMs;
results['deviceCodeWait'] = { library: device, floor: deviceFloor, ratio: round(waitRatio, 3), waitSeconds: N.deviceWait, intervalSeconds: N.deviceInterval, maxPolls };
rows.push({
  what: `device-code wait of ${N.deviceWait} s with \`interval\` ${N.deviceInterval}`,
  measured: `${device.polls} polls, ${round(device.cpuMs, 1)} ms CPU (${device.outcome}) = **${round(waitRatio)}×** a bare \`undici.request()\` poller in the same run (${deviceFloor.polls} polls, ${round(deviceFloor.cpuMs, 1)} ms)`,
  budget: `polls ≤ ${maxPolls}; CPU ≤ 1.5× floor`,
  pass: device.polls <= maxPolls && waitRatio <= 1.5 && device.outcome === 'ERR_DEVICE_CODE_TIMEOUT',
});
log(`device-code wait: ${rows.at(-1)!.measured}`);

// ---- 5. a fleet of processes sharing one session in Redis ----------------------------------------
log('a fleet of 20 processes on one Redis session');
const fleet = await benchRedisFleet();
results['redisFleet'] = fleet;
rows.push(redisFleetRow(fleet));

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
mkdirSync(join(root, '.bench'), { recursive: true });
const file = join('.bench', quick ? 'results.quick.json' : 'results.json');
writeFileSync(
  join(root, file),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, counts: N, rows: rows.map((row) => ({ ...row, result: verdict(row, true) })), results }, null, 2)}\n`,
);
console.log(`\n${misses.length === 0 ? 'every budget met' : `${misses.length} budget(s) missed`}; written to ${file} in ${round((performance.now() - started) / 1000, 1)} s`);
process.exitCode = quick || misses.length === 0 ? 0 : 1;
