// Redis failures as SessionStoreErrors with remedies, and the command runner's own bound: a client
// that never answers (an offline queue) still settles within commandTimeoutMs or on the caller's signal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionStoreError } from '../../../lib/errors.js';
import { CommandAborted, commandRunner, redisError } from '../../../lib/session/redis-client.js';

const AT = 'redis://127.0.0.1:6379 (keys d365fo-auth:*)';

function reply(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('Redis errors', () => {
  const cases: [Error, string, RegExp][] = [
    [reply('NOAUTH Authentication required.'), "Redis refused the connection's credentials (NOAUTH Authentication required.)", /username and password/],
    [reply('WRONGPASS invalid username-password pair or user is disabled.'), "Redis refused the connection's credentials", /username and password/],
    [reply("READONLY You can't write against a read only replica."), 'the client is connected to a read-only replica', /primary/],
    [reply("NOPERM User app has no permissions to run the 'eval' command"), 'the Redis user lacks a permission', /ACL/],
    [reply('OOM command not allowed when used memory > \'maxmemory\'.'), 'Redis is out of memory', /maxmemory/],
    [reply('LOADING Redis is loading the dataset in memory'), 'Redis is not ready to serve', /Retry in a moment/],
    [reply('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'), 'Redis cannot be reached', /disableOfflineQueue/],
    [reply('The client is offline'), 'Redis cannot be reached', /running and reachable/],
    [reply('Socket closed unexpectedly'), 'Redis cannot be reached', /running and reachable/],
    [reply('The client is closed'), 'the Redis client is closed', /client\.connect\(\)/],
    [reply('CROSSSLOT Keys in request don\'t hash to the same slot'), 'the client talks to a Redis Cluster', /Cluster/],
    [reply('ERR unknown command'), 'Redis answered with an error (ERR unknown command)', /Redis's own/],
  ];
  for (const [error, meaning, remedy] of cases) {
    it(`"${error.message.slice(0, 28)}…" → ${meaning.split(' (')[0]}`, () => {
      const mapped = redisError('reading the session "lcs"', AT, error);
      assert.ok(mapped instanceof SessionStoreError);
      assert.equal(mapped.code, 'ERR_SESSION_STORE');
      assert.ok(mapped.message.startsWith(`Redis session store ${AT}: reading the session "lcs" failed: ${meaning}`), mapped.message);
      assert.match(String(mapped.remedy), remedy);
      assert.equal(mapped.cause, error);
    });
  }
});

describe('commandRunner()', () => {
  const silent = { sendCommand: () => new Promise<never>(() => undefined) };

  it('settles within its timeout when the client never answers', async () => {
    const run = commandRunner(silent, AT, 150);
    const started = Date.now();
    await assert.rejects(run(['GET', 'k'], 'reading the session "lcs"'), {
      name: 'SessionStoreError',
      code: 'ERR_SESSION_STORE',
      message: `Redis session store ${AT}: reading the session "lcs" failed: Redis did not answer within 150 ms.`,
    });
    assert.ok(Date.now() - started < 1000);
  });

  it("settles at once on the caller's signal, as CommandAborted (not a Redis failure)", async () => {
    const run = commandRunner(silent, AT, 5000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(run(['GET', 'k'], 'x', controller.signal), CommandAborted);
  });

  it('hands the client an abortSignal, so a queued command is dropped when the call ends', async () => {
    let seen: AbortSignal | undefined;
    const run = commandRunner({ sendCommand: (_args, options) => ((seen = options?.abortSignal), Promise.resolve('OK')) }, AT, 100);
    assert.equal(await run(['PING'], 'x'), 'OK');
    assert.ok(seen instanceof AbortSignal);
  });
});
