// The browser sign-in (authorization code + PKCE) driven with plain HTTP: the authorize checks, the pages,
// the redirects, the token leg's rules, completeAuthorization() and what the request log never holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { createSelfSignedCertificate } from '../../lib/emulator/certificate.js';
import { startEmulator, type EmulatorHandle } from '../../lib/emulator/index.js';
import { assertionFields, clientAssertion, thumbprintB64 } from '../support/emulator-assertion.js';
import { authorizeUrl, pkce, redirectFields, stepOf, submit, textOf, valueOf } from '../support/emulator-authorize.js';
import { body, get, postForm, postJson, type RawResponse } from '../support/emulator-http.js';

const TENANT_ID = '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const DOMAIN = 'fabrikam.onmicrosoft.com';
const LCS = 'https://lcsapi.lcs.dynamics.com';
const PUB = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
const CONF = 'd2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a';
const SECRET = 'Conf~secret.Value_42';
const CERTC = 'e3f4a5b6-c7d8-4e9f-0a1b-2c3d4e5f6a7b';
const LISTED = 'f4a5b6c7-d8e9-4f0a-1b2c-3d4e5f6a7b8c';
const PASSWORD = 'Sign-in <&> "Pw" 1';
const ALICE = { username: 'alice@fabrikam.onmicrosoft.com', password: PASSWORD };
const MFA = { username: 'mfa@fabrikam.onmicrosoft.com', password: PASSWORD, mfaRequired: true };
const LOCKED = { username: 'locked@fabrikam.onmicrosoft.com', password: PASSWORD, locked: true };
const REDIRECT = 'http://localhost:7357/callback';
const CERT = createSelfSignedCertificate({ commonName: 'authcode client' });

function assertAadError(r: RawResponse, status: number, error: string, code: number): string {
  const b = body(r);
  assert.equal(r.status, status, r.text);
  assert.equal(b.error, error);
  assert.deepEqual(b.error_codes, [code]);
  return String(b.error_description).split('\r\n')[0]!;
}

describe('emulator: GET /{tenant}/oauth2/authorize', () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({
      tenantId: TENANT_ID, tenantDomain: DOMAIN, users: [ALICE, MFA, LOCKED],
      clients: [
        { clientId: PUB, allowPublicClientFlows: true },
        { clientId: LISTED, redirectUris: ['http://localhost/app/cb', 'https://app.example.test/signin'] },
      ],
    });
  });
  after(() => emu.stop());
  const url = (over: Record<string, string | undefined> = {}, tenant = DOMAIN) =>
    authorizeUrl(emu.url, tenant, { response_type: 'code', client_id: PUB, redirect_uri: REDIRECT, resource: LCS, state: 'st-123', ...over });

  const pages: Array<[string, Record<string, string | undefined>, string, number]> = [
    ['no client_id', { client_id: undefined }, DOMAIN, 900144],
    ['an unknown client', { client_id: '00000000-0000-4000-8000-000000000000' }, DOMAIN, 700016],
    ['no redirect_uri', { redirect_uri: undefined }, DOMAIN, 900971],
    ['a relative redirect_uri', { redirect_uri: '/callback' }, DOMAIN, 90102],
    ['an https redirect_uri', { redirect_uri: 'https://localhost:7357/callback' }, DOMAIN, 50011],
    ['a non-loopback redirect_uri', { redirect_uri: 'http://attacker.example/cb' }, DOMAIN, 50011],
    ['127.0.0.2', { redirect_uri: 'http://127.0.0.2:7357/cb' }, DOMAIN, 50011],
    ['a redirect_uri with a fragment', { redirect_uri: 'http://localhost:7357/cb#x' }, DOMAIN, 50011],
    ['an unknown tenant', {}, 'nope.onmicrosoft.com', 90002],
  ];
  for (const [name, over, tenant, code] of pages) {
    it(`shows an error page, and redirects nowhere, for ${name} (AADSTS${code})`, async () => {
      const r = await get(url(over, tenant));
      assert.equal(r.status, 400);
      assert.equal(r.headers.get('location'), null);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(stepOf(r.text), 'error');
      assert.equal(textOf(r.text, 'error-code'), `AADSTS${code}`);
      assert.match(textOf(r.text, 'error-details') ?? '', /Request Id: [0-9a-f-]{36}Correlation Id: [0-9a-f-]{36}Timestamp: /);
      if (code === 50011) assert.match(textOf(r.text, 'error-message') ?? '', /The redirect URI '.*' specified in the request does not match/);
    });
  }

  it('accepts any port and path on http://localhost and http://127.0.0.1 for a client without redirectUris', async () => {
    for (const redirect of ['http://localhost', 'http://localhost:1/', 'http://127.0.0.1:65535/a/b?x=1', 'http://LOCALHOST:8400/']) {
      const r = await get(url({ redirect_uri: redirect }));
      assert.equal(r.status, 200, redirect);
      assert.equal(stepOf(r.text), 'signin', redirect);
    }
  });

  it('matches a client\'s redirectUris: loopback whatever the port (path exact, host literal), others exactly', async () => {
    const ok = ['http://localhost/app/cb', 'http://localhost:50123/app/cb', 'https://app.example.test/signin'];
    const no = ['http://localhost:50123/app/CB', 'http://127.0.0.1:50123/app/cb', 'http://localhost:50123/', 'https://app.example.test/signin/x'];
    for (const redirect of ok) assert.equal(stepOf((await get(url({ client_id: LISTED, redirect_uri: redirect }))).text), 'signin', redirect);
    for (const redirect of no) assert.equal(textOf((await get(url({ client_id: LISTED, redirect_uri: redirect }))).text, 'error-code'), 'AADSTS50011', redirect);
  });

  const redirects: Array<[string, Record<string, string | undefined>, string, number]> = [
    ['no response_type', { response_type: undefined }, 'invalid_request', 900144],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type', 70005],
    ['no resource', { resource: undefined }, 'invalid_request', 900144],
    ['an unknown response_mode', { response_mode: 'web_message' }, 'invalid_request', 70007],
    ['an unknown code_challenge_method', { code_challenge: pkce().challenge, code_challenge_method: 'S512' }, 'invalid_request', 50149],
    ['an S256 challenge of the wrong length', { code_challenge: 'abc', code_challenge_method: 'S256' }, 'invalid_request', 50147],
    ['a plain challenge that is too short', { code_challenge: 'short-verifier' }, 'invalid_request', 50147],
    ['an unknown prompt', { prompt: 'sometimes' }, 'invalid_request', 90023],
    ['prompt=none (no session here)', { prompt: 'none' }, 'login_required', 50058],
  ];
  for (const [name, over, error, code] of redirects) {
    it(`redirects with error=${error} (AADSTS${code}) and the state for ${name}`, async () => {
      const f = redirectFields(await get(url(over)));
      assert.equal(f.error, error);
      assert.match(f.error_description!, new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: `));
      assert.equal(f.error_uri, `${emu.url}/error?code=${code}`);
      assert.equal(f.state, 'st-123');
      assert.equal(f.code, undefined);
    });
  }

  it('shows the sign-in page: login_hint prefilled, the app and resource named, domain_hint accepted', async () => {
    const r = await get(url({ login_hint: MFA.username, domain_hint: 'fabrikam.com', prompt: 'select_account' }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store, no-cache');
    assert.equal(stepOf(r.text), 'signin');
    assert.equal(valueOf(r.text, 'username'), MFA.username);
    assert.match(textOf(r.text, 'app-text') ?? '', new RegExp(`${PUB}.*${LCS.replace(/\./g, '\\.')}`));
    assert.ok(!/<script/i.test(r.text), 'no JavaScript on the sign-in page');
  });
});

describe('emulator: the sign-in pages over plain HTTP', () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ tenantDomain: DOMAIN, users: [ALICE, MFA, LOCKED], clients: [{ clientId: PUB, allowPublicClientFlows: true }] });
  });
  after(() => emu.stop());
  const open = async (over: Record<string, string | undefined> = {}) =>
    (await get(authorizeUrl(emu.url, DOMAIN, { response_type: 'code', client_id: PUB, redirect_uri: REDIRECT, resource: LCS, state: 'st-9', ...over }))).text;

  it('a user signs in and is redirected with code, session_state and state', async () => {
    const r = await submit(emu.url, await open(), { action: 'signin', username: ALICE.username, password: PASSWORD });
    assert.match(r.headers.get('location') ?? '', /^http:\/\/localhost:7357\/callback\?code=/);
    const f = redirectFields(r);
    assert.match(f.code!, /^[A-Za-z0-9_-]{100,}$/);
    assert.match(f.session_state!, /^[0-9a-f-]{36}$/);
    assert.equal(f.state, 'st-9');
  });

  it('a wrong password, an unknown and a locked account stay on the page with an error; nothing is echoed but the username', async () => {
    const page = await open();
    const wrong = await submit(emu.url, page, { action: 'signin', username: ALICE.username, password: 'wrong-secret-pw' });
    assert.equal(wrong.status, 200);
    assert.equal(stepOf(wrong.text), 'signin');
    assert.equal(textOf(wrong.text, 'error'), 'Your account or password is incorrect. (AADSTS50126)');
    assert.equal(valueOf(wrong.text, 'username'), ALICE.username);
    assert.ok(!wrong.text.includes('wrong-secret-pw'));
    const unknown = await submit(emu.url, wrong.text, { action: 'signin', username: 'nobody@fabrikam.onmicrosoft.com', password: 'x' });
    assert.match(textOf(unknown.text, 'error') ?? '', /AADSTS50034/);
    const locked = await submit(emu.url, unknown.text, { action: 'signin', username: LOCKED.username, password: PASSWORD });
    assert.equal(textOf(locked.text, 'error'), 'Your account is locked. Contact your administrator to unlock it, then try again. (AADSTS50053)');
    const ok = await submit(emu.url, locked.text, { action: 'signin', username: ALICE.username, password: PASSWORD });
    assert.ok(redirectFields(ok).code, 'the same sign-in can still succeed');
  });

  it('an MFA user passes the approval step; deny and cancel redirect with access_denied and the state', async () => {
    const mfa = await submit(emu.url, await open(), { action: 'signin', username: MFA.username, password: PASSWORD });
    assert.equal(stepOf(mfa.text), 'mfa');
    assert.equal(textOf(mfa.text, 'title'), 'Approve sign-in request');
    assert.equal(textOf(mfa.text, 'signed-in-user'), MFA.username);
    assert.ok(redirectFields(await submit(emu.url, mfa.text, { action: 'approve' })).code);

    const denied = redirectFields(await submit(emu.url, (await submit(emu.url, await open(), { action: 'signin', username: MFA.username, password: PASSWORD })).text, { action: 'deny' }));
    assert.equal(denied.error, 'access_denied');
    assert.match(denied.error_description!, /^AADSTS500121: /);
    assert.equal(denied.state, 'st-9');

    const atMfa = redirectFields(await submit(emu.url, (await submit(emu.url, await open(), { action: 'signin', username: MFA.username, password: PASSWORD })).text, { action: 'cancel' }));
    assert.equal(atMfa.error, 'access_denied');
    assert.match(atMfa.error_description!, /^AADSTS65004: /);
    const atSignIn = redirectFields(await submit(emu.url, await open(), { action: 'cancel' }));
    assert.deepEqual([atSignIn.error, atSignIn.state], ['access_denied', 'st-9']);
  });

  it('a finished or unknown flow is an error page (AADSTS50089), never a second code', async () => {
    const page = await open();
    assert.ok(redirectFields(await submit(emu.url, page, { action: 'signin', username: ALICE.username, password: PASSWORD })).code);
    const again = await submit(emu.url, page, { action: 'signin', username: ALICE.username, password: PASSWORD });
    assert.equal(again.status, 400);
    assert.equal(textOf(again.text, 'error-code'), 'AADSTS50089');
    assert.equal((await postForm(`${emu.url}/${DOMAIN}/oauth2/authorize`, { flow: 'made-up', action: 'approve' })).status, 400);
  });

  it('response_mode=form_post answers a form aimed at redirect_uri (auto-submitted, with a plain button too)', async () => {
    const r = await submit(emu.url, await open({ response_mode: 'form_post' }), { action: 'signin', username: ALICE.username, password: PASSWORD });
    assert.equal(r.status, 200);
    assert.equal(stepOf(r.text), 'form_post');
    assert.match(r.text, new RegExp(`<form id="response-form" method="post" action="${REDIRECT}">`));
    assert.ok(valueOf(r.text, 'code'));
    assert.equal(valueOf(r.text, 'state'), 'st-9');
    assert.ok(valueOf(r.text, 'session_state'));
    assert.match(r.text, /<button id="continue" type="submit">/);
  });

  it('response_mode=fragment puts the fields in the fragment', async () => {
    const r = await submit(emu.url, await open({ response_mode: 'fragment' }), { action: 'signin', username: ALICE.username, password: PASSWORD });
    const location = new URL(r.headers.get('location')!);
    assert.equal(location.search, '');
    assert.ok(new URLSearchParams(location.hash.slice(1)).get('code'));
  });
});

describe('emulator: grant_type=authorization_code', () => {
  let emu: EmulatorHandle;
  let token: string;
  before(async () => {
    emu = await startEmulator({
      tenantId: TENANT_ID, tenantDomain: DOMAIN, users: [ALICE, MFA],
      clients: [
        { clientId: PUB },
        { clientId: CONF, secret: SECRET },
        { clientId: CERTC, certificates: [CERT.certificatePem] },
      ],
    });
    token = `${emu.url}/${DOMAIN}/oauth2/token`;
  });
  after(() => emu.stop());

  /** Signs in through completeAuthorization() and returns the code. */
  async function code(over: Record<string, string | undefined> = {}, user = ALICE.username, tenant = DOMAIN): Promise<string> {
    const redirect = await emu.completeAuthorization(
      authorizeUrl(emu.url, tenant, { response_type: 'code', client_id: PUB, redirect_uri: REDIRECT, resource: LCS, state: 's', ...over }),
      { username: user },
    );
    const c = new URL(redirect).searchParams.get('code');
    assert.ok(c, redirect);
    return c;
  }
  const redeem = (c: string, over: Record<string, string | undefined> = {}, url = token) =>
    postForm(url, Object.fromEntries(Object.entries({ grant_type: 'authorization_code', client_id: PUB, code: c, redirect_uri: REDIRECT, ...over }).filter(([, v]) => v !== undefined)) as Record<string, string>);

  it('redeems an S256 code with its verifier: the v1 token response, refresh token, unsigned id_token, amr pwd', async () => {
    const { verifier, challenge } = pkce();
    const r = await redeem(await code({ code_challenge: challenge, code_challenge_method: 'S256' }), { code_verifier: verifier, resource: LCS });
    assert.equal(r.status, 200, r.text);
    const b = body(r);
    assert.equal(b.token_type, 'Bearer');
    assert.equal(b.resource, LCS);
    assert.equal(b.scope, 'user_impersonation');
    for (const k of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) assert.match(String(b[k]), /^\d+$/, k);
    const at = decodeJwt(String(b.access_token));
    assert.equal(at.upn, ALICE.username);
    assert.equal(at.aud, LCS);
    assert.deepEqual(at.amr, ['pwd']);
    assert.equal(at.appidacr, '0');
    const [h, p, s] = String(b.id_token).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { typ: 'JWT', alg: 'none' });
    assert.equal(s, '');
    assert.equal(JSON.parse(Buffer.from(p!, 'base64url').toString()).upn, ALICE.username);
    const refreshed = await postForm(token, { grant_type: 'refresh_token', client_id: PUB, refresh_token: String(b.refresh_token) });
    assert.equal(refreshed.status, 200, 'a public (desktop) client refreshes without "Allow public client flows"');
  });

  it('an MFA user\'s tokens say amr pwd+mfa (access token and id_token)', async () => {
    const b = body(await redeem(await code({}, MFA.username)));
    assert.deepEqual(decodeJwt(String(b.access_token)).amr, ['pwd', 'mfa']);
    assert.deepEqual(JSON.parse(Buffer.from(String(b.id_token).split('.')[1]!, 'base64url').toString()).amr, ['pwd', 'mfa']);
  });

  it('a code is single-use: the second redemption is invalid_grant AADSTS54005', async () => {
    const c = await code();
    assert.equal((await redeem(c)).status, 200);
    assertAadError(await redeem(c), 400, 'invalid_grant', 54005);
  });

  it('PKCE: a wrong verifier is 501481, a missing one 900144, a plain challenge compares as is, no challenge needs no verifier', async () => {
    const { challenge } = pkce();
    const c = await code({ code_challenge: challenge, code_challenge_method: 'S256' });
    assertAadError(await redeem(c, { code_verifier: pkce().verifier }), 400, 'invalid_grant', 501481);
    assert.match(assertAadError(await redeem(c), 400, 'invalid_request', 900144), /'code_verifier'/);
    const plain = 'p'.repeat(43);
    const pc = await code({ code_challenge: plain }); // no method: plain
    assertAadError(await redeem(pc, { code_verifier: 'q'.repeat(43) }), 400, 'invalid_grant', 501481);
    assert.equal((await redeem(pc, { code_verifier: plain })).status, 200);
    assert.equal((await redeem(await code())).status, 200, 'no challenge, no verifier (adal-node)');
  });

  it('the bindings: redirect_uri byte for byte (50011), same client (70000), same tenant path (700005), same resource (70000)', async () => {
    const line = assertAadError(await redeem(await code(), { redirect_uri: `${REDIRECT}/` }), 400, 'invalid_grant', 50011);
    assert.equal(line, `AADSTS50011: The reply address '${REDIRECT}/' does not match the reply address '${REDIRECT}' provided when requesting Authorization code.`);
    assertAadError(await redeem(await code(), { redirect_uri: 'http://127.0.0.1:7357/callback' }), 400, 'invalid_grant', 50011);
    assertAadError(await redeem(await code(), { client_id: CONF, client_secret: SECRET }), 400, 'invalid_grant', 70000);
    assertAadError(await redeem(await code(), {}, `${emu.url}/common/oauth2/token`), 400, 'invalid_grant', 700005);
    assertAadError(await redeem(await code({}, ALICE.username, 'common'), {}, `${emu.url}/${TENANT_ID}/oauth2/token`), 400, 'invalid_grant', 700005);
    assert.equal((await redeem(await code({}, ALICE.username, 'common'), {}, `${emu.url}/common/oauth2/token`)).status, 200);
    assertAadError(await redeem(await code(), { resource: 'https://other.example' }), 400, 'invalid_grant', 70000);
    assertAadError(await redeem('AQABAAIAAAD--not-a-code'), 400, 'invalid_grant', 70000);
    assertAadError(await postForm(token, { grant_type: 'authorization_code', client_id: PUB, code: 'x' }), 400, 'invalid_request', 900144);
  });

  it('a confidential client must authenticate: secret or certificate; a public client must not send one', async () => {
    const conf = async () => new URL(await emu.completeAuthorization(authorizeUrl(emu.url, DOMAIN, { response_type: 'code', client_id: CONF, redirect_uri: REDIRECT, resource: LCS }))).searchParams.get('code')!;
    assertAadError(await redeem(await conf(), { client_id: CONF }), 401, 'invalid_client', 7000218);
    assertAadError(await redeem(await conf(), { client_id: CONF, client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    const ok = await redeem(await conf(), { client_id: CONF, client_secret: SECRET });
    assert.equal(decodeJwt(String(body(ok).access_token)).appidacr, '1');
    const certCode = new URL(await emu.completeAuthorization(authorizeUrl(emu.url, DOMAIN, { response_type: 'code', client_id: CERTC, redirect_uri: REDIRECT, resource: LCS }))).searchParams.get('code')!;
    const assertion = await clientAssertion({ privateKeyPem: CERT.privateKeyPem, clientId: CERTC, aud: token, thumbprint: { x5t: thumbprintB64(CERT.sha1Thumbprint) } });
    const viaCert = await redeem(certCode, { client_id: CERTC, ...assertionFields(assertion) });
    assert.equal(viaCert.status, 200, viaCert.text);
    assert.equal(decodeJwt(String(body(viaCert).access_token)).appidacr, '2');
    assertAadError(await redeem(await code(), { client_secret: 'anything' }), 401, 'invalid_client', 700025);
    assert.equal((await redeem(await code(), { client_secret: '' })).status, 200, "adal-node's empty client_secret= counts as none");
  });
});

describe('emulator: completeAuthorization() and what is never recorded', () => {
  let emu: EmulatorHandle;
  before(async () => {
    emu = await startEmulator({ tenantDomain: DOMAIN, users: [ALICE, MFA, LOCKED], clients: [{ clientId: PUB, allowPublicClientFlows: true }] });
  });
  after(() => emu.stop());
  const url = (over: Record<string, string | undefined> = {}) =>
    authorizeUrl(emu.url, DOMAIN, { response_type: 'code', client_id: PUB, redirect_uri: REDIRECT, resource: LCS, state: 'cs', ...over });

  it('signs in as the first user by default, as a named user (MFA approved), or declines', async () => {
    const first = new URL(await emu.completeAuthorization(url()));
    assert.equal(`${first.origin}${first.pathname}`, REDIRECT);
    assert.equal(first.searchParams.get('state'), 'cs');
    const token = (c: string) => postForm(`${emu.url}/${DOMAIN}/oauth2/token`, { grant_type: 'authorization_code', client_id: PUB, code: c, redirect_uri: REDIRECT });
    assert.equal(decodeJwt(String(body(await token(first.searchParams.get('code')!)).access_token)).upn, ALICE.username);
    const mfa = new URL(await emu.completeAuthorization(url(), { username: MFA.username, password: PASSWORD }));
    assert.deepEqual(decodeJwt(String(body(await token(mfa.searchParams.get('code')!)).access_token)).amr, ['pwd', 'mfa']);
    const declined = new URL(await emu.completeAuthorization(url(), { decline: true }));
    assert.equal(declined.searchParams.get('error'), 'access_denied');
    assert.equal(declined.searchParams.get('state'), 'cs');
    assert.equal(new URL(await emu.completeAuthorization(url({ prompt: 'none' }))).searchParams.get('error'), 'login_required');
    const fp = new URL(await emu.completeAuthorization(url({ response_mode: 'form_post' })));
    assert.ok(fp.searchParams.get('code'), 'form_post: the fields come back in the query');
  });

  it('rejects where the pages would stop on an error, with the AADSTS code; refuses bad input with TypeErrors', async () => {
    await assert.rejects(emu.completeAuthorization(url(), { password: 'nope' }), { message: 'completeAuthorization(): AADSTS50126: Error validating credentials due to invalid username or password.', aadsts: 'AADSTS50126' } as never);
    await assert.rejects(emu.completeAuthorization(url(), { username: LOCKED.username }), { aadsts: 'AADSTS50053' } as never);
    await assert.rejects(emu.completeAuthorization(url(), { username: 'ghost@fabrikam.onmicrosoft.com' }), { aadsts: 'AADSTS50034' } as never);
    await assert.rejects(emu.completeAuthorization(url({ client_id: '00000000-0000-4000-8000-000000000000' })), { aadsts: 'AADSTS700016' } as never);
    await assert.rejects(emu.completeAuthorization(url({ redirect_uri: 'https://attacker.example/' })), /^Error: completeAuthorization\(\): AADSTS50011: /);
    await assert.rejects(emu.completeAuthorization('not a url'), { name: 'TypeError', message: 'completeAuthorization(): authorizeUrl must be an absolute URL' });
    await assert.rejects(emu.completeAuthorization(`${emu.url}/common/oauth2/token`), { name: 'TypeError', message: 'completeAuthorization(): authorizeUrl must be a /{tenant}/oauth2/authorize URL' });
    await assert.rejects(emu.completeAuthorization(url(), { user: 'x' } as never), { name: 'TypeError', message: "completeAuthorization(): unknown option 'user' (allowed: username, password, decline)" });
  });

  it('the control route does the same for an emulator in another process', async () => {
    const r = await postJson(`${emu.url}/_emulator/authorize/complete`, { url: url(), username: MFA.username });
    assert.equal(r.status, 200);
    assert.ok(new URL(String(body(r).redirectUrl)).searchParams.get('code'));
    const bad = await postJson(`${emu.url}/_emulator/authorize/complete`, { url: url(), password: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(String(body(bad).error_description), /AADSTS50126/);
    assert.ok(!bad.text.includes('nope'));
  });

  it('the request log and its control route never hold a code, a verifier, a password or a flow id', async () => {
    await fetch(`${emu.url}/_emulator/requests`, { method: 'DELETE' });
    const { verifier, challenge } = pkce();
    const page = (await get(url({ code_challenge: challenge, code_challenge_method: 'S256' }))).text;
    const flow = valueOf(page, 'flow')!;
    const mfa = await submit(emu.url, page, { action: 'signin', username: MFA.username, password: PASSWORD });
    const c = redirectFields(await submit(emu.url, mfa.text, { action: 'approve' })).code!;
    assert.equal((await postForm(`${emu.url}/${DOMAIN}/oauth2/token`, { grant_type: 'authorization_code', client_id: PUB, code: c, redirect_uri: REDIRECT, code_verifier: verifier })).status, 200);
    const logged = JSON.stringify(emu.requests);
    const viaRoute = (await get(`${emu.url}/_emulator/requests`)).text;
    for (const secret of [c, verifier, PASSWORD, encodeURIComponent(PASSWORD), flow]) {
      assert.ok(!logged.includes(secret) && !viaRoute.includes(secret), `leaked ${secret.slice(0, 8)}…`);
    }
    const posted = emu.requests.filter((r) => r.method === 'POST');
    assert.equal(posted[0]!.form['password'], '[redacted]');
    assert.equal(posted.at(-1)!.form['code_verifier'], '[redacted]');
    assert.ok(emu.requests[0]!.path.includes(`code_challenge=${challenge}`), 'the challenge is public and stays');
  });
});
