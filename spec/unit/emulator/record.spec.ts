import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_FORM_FIELDS,
  MAX_LOGGED_CHARS,
  MAX_VALUE_CHARS,
  MORE_FIELDS_KEY,
  RequestLog,
  recordRequest,
  recordedChars,
  truncate,
} from '../../../lib/emulator/record.js';

const TOKEN_URL = new URL('https://127.0.0.1/contoso.onmicrosoft.com/oauth2/token?api-version=1.0');
const MiB = 1024 * 1024;

describe('the request log stays small whatever the requests weigh', () => {
  it('truncate() keeps short values and cuts long ones, saying how many UTF-8 bytes were cut', () => {
    assert.equal(truncate('short'), 'short');
    const exact = 'x'.repeat(MAX_VALUE_CHARS);
    assert.equal(truncate(exact), exact);
    const long = 'é'.repeat(MAX_VALUE_CHARS + 10); // 2 bytes each in UTF-8
    assert.equal(truncate(long), `${'é'.repeat(MAX_VALUE_CHARS)}…[truncated, 20 bytes]`);
  });

  it('400 requests with 1 MiB forms hold about 1 MiB in all, not 400 MiB', () => {
    const log = new RequestLog();
    const padding = 'a'.repeat(MiB);
    for (let i = 0; i < 400; i++) {
      log.add(recordRequest('POST', TOKEN_URL, { 'content-type': 'application/x-www-form-urlencoded', 'x-trace': 'h'.repeat(8192) }, {
        grant_type: 'password', username: 'svc@contoso.onmicrosoft.com', password: 'Pa55-word!', padding: `${padding}${i}`,
      }));
    }
    const entries = log.list();
    assert.equal(entries.length, 400);
    const held = entries.reduce((n, e) => n + recordedChars(e), 0);
    assert.equal(log.totalChars, held);
    assert.ok(held < 400 * 5000, `the log holds ${held} characters for 400 requests`);
    const last = entries.at(-1)!;
    assert.equal(last.form['padding'], `${'a'.repeat(MAX_VALUE_CHARS)}…[truncated, ${MiB + 3 - MAX_VALUE_CHARS} bytes]`);
    assert.match(last.headers['x-trace']!, /…\[truncated, 6144 bytes\]$/);
    assert.equal(last.form['password'], '[redacted]');
  });

  it('evicts the oldest entries past the character budget, and always keeps the newest', () => {
    const entry = (n: number) => recordRequest('POST', new URL(`https://127.0.0.1/t/oauth2/token?n=${String(n).padStart(2, '0')}`), {}, { note: 'z'.repeat(1000) });
    const size = recordedChars(entry(1));
    const log = new RequestLog(1000, size * 3);
    for (let i = 1; i <= 10; i++) log.add(entry(i));
    assert.deepEqual(log.list().map((r) => r.path), ['08', '09', '10'].map((n) => `/t/oauth2/token?n=${n}`));
    assert.ok(log.totalChars <= size * 3);
    const tiny = new RequestLog(1000, 10);
    tiny.add(entry(1));
    tiny.add(entry(2));
    assert.deepEqual(tiny.list().map((r) => r.path), ['/t/oauth2/token?n=02'], 'an entry over the budget alone is still kept');
    assert.ok(MAX_LOGGED_CHARS >= 1024 * 1024, 'the default budget keeps ordinary traffic');
  });

  it('keeps the first form fields and counts the rest; odd field names are plain fields', () => {
    const form = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, String(i)]));
    const r = recordRequest('POST', TOKEN_URL, {}, form);
    assert.equal(Object.keys(r.form).length, MAX_FORM_FIELDS + 1);
    assert.equal(r.form[MORE_FIELDS_KEY], `[${10_000 - MAX_FORM_FIELDS} more fields not recorded]`);
    const odd = recordRequest('POST', TOKEN_URL, {}, JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>);
    assert.deepEqual(Object.entries(odd.form), [['__proto__', 'p'], ['constructor', 'c']]);
  });

  it('cuts a long query string too, after redacting its secrets', () => {
    const url = new URL(`https://127.0.0.1/t/oauth2/authorize?code=secret-code&login_hint=${'q'.repeat(5000)}`);
    const r = recordRequest('GET', url, {}, {});
    assert.ok(r.path.startsWith('/t/oauth2/authorize?code=%5Bredacted%5D&login_hint=qqq'));
    assert.match(r.path, /…\[truncated, \d+ bytes\]$/);
    assert.ok(!r.path.includes('secret-code'));
  });
});
