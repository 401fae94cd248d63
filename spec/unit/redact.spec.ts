import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactFields, redactFormBody, redactJsonBody, scrub } from '../../lib/redact.js';
import { describeSecret } from '../../lib/secret-object.js';
import { encodeFormValue } from '../../lib/aad/exchange.js';
import { ACCESS_TOKEN } from '../support/aad.js';

describe('scrub()', () => {
  const secret = 'Correct Horse*Battery(9)"';
  it('removes a secret in every encoding: raw, percent-encoded, form-encoded, JSON-escaped', () => {
    for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), encodeFormValue(secret), JSON.stringify(secret).slice(1, -1)]) {
      assert.equal(scrub(`before ${form} after`, [secret]), `before ${REDACTED} after`, form);
    }
  });
  it('removes anything JWT-shaped even when not listed', () => {
    assert.equal(scrub(`token ${ACCESS_TOKEN}.`), `token ${REDACTED}.`);
  });
  it('ignores empty and undefined secrets, and scrubs short ones too', () => {
    assert.equal(scrub('abc a', ['', undefined]), 'abc a');
    assert.equal(scrub('pw=ab; other=xyz', ['ab']), `pw=${REDACTED}; other=xyz`);
    assert.equal(scrub('a b a', ['a']), `${REDACTED} b ${REDACTED}`);
  });

  it('scrubs every form a server may echo a secret in: raw, percent-encoded in either hex case, form-encoded, JSON-escaped, HTML-escaped, and mixes of them', () => {
    const secret = 'p&ss w+rd/"ü\\<x>\'';
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ v: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(secret).slice(1, -1).replace('ü', '\\u00fc'),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      secret.replace(/&/g, '&#x26;').replace(/"/g, '&#34;').replace(/'/g, '&#X27;'),
      // a .NET-style mix: some characters encoded, others not
      'p%26ss+w%2brd/%22\u00FC\\&lt;x&gt;\'',
    ];
    for (const form of forms) assert.equal(scrub(`before ${form} after`, [secret]), `before ${REDACTED} after`, form);
  });
});

describe('redactFormBody() and redactFields()', () => {
  it('redacts the secret form fields and keeps the others', () => {
    assert.equal(
      redactFormBody('grant_type=password&username=svc%40contoso.com&password=x&client_secret=y&refresh_token=z&code=c&scope=openid'),
      `grant_type=password&username=svc@contoso.com&password=${REDACTED}&client_secret=${REDACTED}&refresh_token=${REDACTED}&code=${REDACTED}&scope=openid`,
    );
    assert.deepEqual(redactFields({ accessToken: 'a', refreshToken: '', resource: 'r' }), { accessToken: REDACTED, refreshToken: '', resource: 'r' });
  });
});

describe('redactJsonBody()', () => {
  it('redacts secret fields at any depth and scrubs the given secrets from other strings', () => {
    const body = JSON.stringify({ access_token: ACCESS_TOKEN, nested: [{ refresh_token: 'r' }], error_description: 'pw p"w!' });
    assert.equal(redactJsonBody(body, ['p"w!']), JSON.stringify({ access_token: REDACTED, nested: [{ refresh_token: REDACTED }], error_description: `pw ${REDACTED}` }));
  });
  it('describes a body that is not JSON by its length only', () => {
    assert.equal(redactJsonBody('<html>secret</html>'), '<19 bytes, not JSON>');
  });
});

describe('describeSecret()', () => {
  it('gives the length, never the value', () => {
    assert.equal(describeSecret('abcdef'), '[redacted, 6 chars]');
    assert.equal(describeSecret(undefined), '[none]');
  });
});
