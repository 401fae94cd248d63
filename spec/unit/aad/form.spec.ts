import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeForm, encodeFormValue } from '../../../lib/aad/exchange.js';

describe('encodeFormValue()', () => {
  it('percent-encodes every reserved character, including !\'()*', () => {
    assert.equal(encodeFormValue('p&ss=w+rd%20ü"'), 'p%26ss%3Dw%2Brd%2520%C3%BC%22');
    assert.equal(encodeFormValue("a b!'()*~-._"), 'a%20b%21%27%28%29%2A~-._');
    assert.equal(encodeFormValue('clien&&???tId'), 'clien%26%26%3F%3F%3FtId');
  });
  it('round-trips through a form decoder', () => {
    const value = 'clientSecret*&^(?&ü \n';
    assert.equal(new URLSearchParams(`v=${encodeFormValue(value)}`).get('v'), value);
  });
});

describe('encodeForm()', () => {
  it('keeps the field order and leaves out undefined values', () => {
    assert.equal(encodeForm({ grant_type: 'password', resource: undefined, scope: 'openid', empty: '' }), 'grant_type=password&scope=openid&empty=');
  });
});
