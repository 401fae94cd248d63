import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAuthorityHost, isLoopbackHost } from '../../../lib/http/url-guard.js';
import { InputError } from '../../../lib/errors.js';

describe('isLoopbackHost()', () => {
  it('accepts 127.0.0.0/8, localhost and ::1', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]', '::1']) assert.equal(isLoopbackHost(host), true, host);
  });
  it('refuses everything else', () => {
    for (const host of ['128.0.0.1', '127.0.0.256', '127.0.0', 'localhost.evil.com', '127.0.0.1.nip.io', '[::2]', '0.0.0.0']) assert.equal(isLoopbackHost(host), false, host);
  });
});

describe('checkAuthorityHost()', () => {
  it('returns the normalised origin', () => {
    assert.equal(checkAuthorityHost('https://login.microsoftonline.com/'), 'https://login.microsoftonline.com');
    assert.equal(checkAuthorityHost(' https://LOGIN.microsoftonline.us '), 'https://login.microsoftonline.us');
    assert.equal(checkAuthorityHost('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(checkAuthorityHost('http://localhost'), 'http://localhost');
    assert.equal(checkAuthorityHost('http://[::1]:4000'), 'http://[::1]:4000');
  });

  const cases: Array<[unknown, string, string]> = [
    ['http://login.microsoftonline.com', 'ERR_INSECURE_URL', 'authorityHost must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).'],
    ['http://127.0.0.1.nip.io', 'ERR_INSECURE_URL', 'authorityHost must use https; plain http is only accepted for a loopback address (127.0.0.1, localhost, [::1]).'],
    ['javascript:alert(1)', 'ERR_INSECURE_URL', 'authorityHost must use https (got javascript).'],
    ['https://login.microsoftonline.com/common', 'ERR_INVALID_INPUT', 'authorityHost must be an origin without a path (the tenant is a separate option); got path /common.'],
    ['https://login.microsoftonline.com/?', 'ERR_INVALID_INPUT', 'authorityHost must not have a query or fragment; give only the origin, e.g. https://login.microsoftonline.com.'],
    ['https://login.microsoftonline.com#x', 'ERR_INVALID_INPUT', 'authorityHost must not have a query or fragment; give only the origin, e.g. https://login.microsoftonline.com.'],
    ['https://a:b@login.microsoftonline.com', 'ERR_INVALID_INPUT', 'authorityHost must not contain credentials.'],
    ['', 'ERR_INVALID_INPUT', 'authorityHost must be an absolute URL such as https://login.microsoftonline.com.'],
    [42, 'ERR_INVALID_INPUT', 'authorityHost must be an absolute URL such as https://login.microsoftonline.com.'],
  ];
  for (const [value, code, message] of cases) {
    it(`rejects ${JSON.stringify(value)} (${code})`, () => {
      assert.throws(() => checkAuthorityHost(value), (e: unknown) => e instanceof InputError && e.code === code && e.message === message);
    });
  }
});
