// The emulator's demo tenant, user and clients: constants only, exported without loading the emulator.

/** The demo tenant, users and clients used when `users`/`clients` are not given (the first user is `user`). */
export const EMULATOR_DEMO = Object.freeze({
  tenantId: '8f0a1c2d-3b4e-4f5a-9b6c-7d8e9f0a1b2c',
  tenantDomain: 'contoso.onmicrosoft.com',
  user: Object.freeze({ username: 'admin@contoso.onmicrosoft.com', password: 'Demo-Passw0rd!' }),
  /** Second demo user: refused by the password grant (AADSTS50076), signs in on the browser and device-code pages. */
  mfaUser: Object.freeze({ username: 'mfa@contoso.onmicrosoft.com', password: 'Demo-Mfa-Passw0rd!', mfaRequired: true }),
  publicClient: Object.freeze({ clientId: '4e9c6a1b-52d3-4c8f-8a7e-1f2b3c4d5e6f', allowPublicClientFlows: true }),
  confidentialClient: Object.freeze({
    clientId: '7b1e2d3c-4a5f-4e6d-9c8b-0a1f2e3d4c5b',
    secret: 'demo-client-secret-Ab3~xYz9',
  }),
  /** Microsoft's first-party Azure PowerShell client id, always present as a public client. */
  firstPartyPublicClientId: '1950a258-227b-4e31-a9cf-717495945fc2',
});
