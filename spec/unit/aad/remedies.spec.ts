import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { remedyFor, CODES_WITH_REMEDY } from '../../../lib/aad/remedies.js';

// Every AADSTS code of the Entra error reference these flows hit (password, refresh, device code,
// authorization code, certificates), each with a remedy.
const FLOW_CODES = [
  50126, 50076, 50079, 50158, 53003, 530035, 65001, 65002, 65004, 700016, 7000218, 7000215, 7000222, 700025, 50034, 50053, 50055, 50144,
  50057, 70008, 700082, 50173, 70043, 50132, 50133, 90002, 90038, 500011, 50001, 50059, 90019, 9001023, 70016, 70018, 70019, 70020, 90014,
  900144, 50199, 700003, 50020, 50105, 50097, 50155, 53000, 53001, 50196, 90055, 80001, 80002, 80005, 80007, 80012, 80013, 80014, 90072,
  50049,
  // certificates and the authorization code flow
  700027, 700024, 50027, 50048, 50012, 54005, 501481, 50148, 50011, 700005, 90027, 500201,
];

describe('remedyFor()', () => {
  it('has a one-line remedy for every AADSTS code these flows hit', () => {
    const missing = FLOW_CODES.filter((code) => remedyFor(code) === undefined);
    assert.deepEqual(missing, []);
    for (const code of FLOW_CODES) {
      const remedy = remedyFor(code)!;
      assert.ok(!remedy.includes('\n') && remedy.endsWith('.'), `${code}: ${remedy}`);
    }
    assert.deepEqual([...CODES_WITH_REMEDY].sort(), [...FLOW_CODES].sort());
  });

  it('has none for an unknown or absent code', () => {
    assert.equal(remedyFor(12345), undefined);
    assert.equal(remedyFor(undefined), undefined);
  });
});
