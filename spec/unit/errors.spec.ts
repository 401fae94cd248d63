import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { D365AuthError, DeviceCodeError, FederatedUserError, InputError, OAuthError, ResponseError, TransportError, isD365AuthError } from '../../lib/index.js';

describe('error classes', () => {
  it('carry their class name, a stable code and the standard cause', () => {
    const cause = new Error('inner');
    const errors = [
      [new InputError('m'), 'InputError', 'ERR_INVALID_INPUT'],
      [new InputError('m', 'ERR_INSECURE_URL'), 'InputError', 'ERR_INSECURE_URL'],
      [new TransportError('ERR_TIMEOUT', 'm', { url: 'u' }), 'TransportError', 'ERR_TIMEOUT'],
      [new ResponseError('ERR_NOT_JSON', 'm', { status: 200, url: 'u' }), 'ResponseError', 'ERR_NOT_JSON'],
      [new OAuthError('m', { status: 400, error: 'invalid_grant' }), 'OAuthError', 'ERR_OAUTH'],
      [new FederatedUserError('m', 'fabrikam.com', 'WSTrust'), 'FederatedUserError', 'ERR_FEDERATED_USER'],
      [new DeviceCodeError('ERR_DEVICE_CODE_DECLINED', 'm', { cause }), 'DeviceCodeError', 'ERR_DEVICE_CODE_DECLINED'],
    ] as const;
    for (const [error, name, code] of errors) {
      assert.ok(error instanceof D365AuthError && error instanceof Error);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.message, 'm');
      assert.ok(error.stack?.startsWith(`${name}: m`));
    }
    assert.equal(errors[6][0].cause, cause);
    assert.equal('cause' in errors[0][0], false, 'no cause property when none was given');
  });

  it('OAuthError derives aadsts from the first error code', () => {
    assert.equal(new OAuthError('m', { status: 400, error: 'x', errorCodes: [50126, 1] }).aadsts, 'AADSTS50126');
    const bare = new OAuthError('m', { status: 400, error: 'x' });
    assert.equal(bare.aadsts, undefined);
    assert.deepEqual(bare.errorCodes, []);
  });

  it('isD365AuthError() narrows on the class and an optional code', () => {
    const error = new InputError('m');
    assert.equal(isD365AuthError(error), true);
    assert.equal(isD365AuthError(error, 'ERR_INVALID_INPUT'), true);
    assert.equal(isD365AuthError(error, 'ERR_OAUTH'), false);
    assert.equal(isD365AuthError(new Error('m')), false);
    assert.equal(isD365AuthError({ code: 'ERR_INVALID_INPUT' }), false);
  });
});
