// Client authentication, the one seam every grant that identifies a client goes through: a client
// secret, a client certificate (a signed assertion per request), or nothing (a public client).
// Grants never write `client_secret` or `client_assertion` themselves.
import { InputError } from '../errors.js';
import { assertionSigner, ASSERTION_TYPE, type ClientCertificate } from './client-assertion.js';
import { checkSecret } from './input.js';

export type { ClientCertificate } from './client-assertion.js';

/** The credentials of a confidential client (at most one of them). */
export interface ClientAuthOptions {
  clientSecret?: string | undefined;
  clientCertificate?: ClientCertificate | undefined;
}

/** Adds the client's credentials to a token request's form, once per request sent. */
export interface ClientAuth {
  /** Fields to add for a request to the token endpoint `tokenEndpoint` (no query) at `nowSeconds`. */
  fields(tokenEndpoint: string, nowSeconds: number): Promise<Record<string, string>>;
  /** Values to scrub from anything logged or thrown. */
  readonly secrets: readonly string[];
  /** Whether the client authenticates at all (false: a public client). */
  readonly confidential: boolean;
}

const PUBLIC: ClientAuth = { fields: async () => ({}), secrets: [], confidential: false };

/** Chooses the client authentication from the options; checks them before anything is sent. */
export function clientAuth(clientId: string, options: ClientAuthOptions, required = false): ClientAuth {
  const { clientSecret, clientCertificate } = options;
  if (clientSecret !== undefined && clientCertificate !== undefined) {
    throw new InputError('Give clientSecret or clientCertificate, not both.', 'ERR_INVALID_INPUT', 'clientSecret');
  }
  if (clientSecret !== undefined) {
    const secret = checkSecret(clientSecret, 'clientSecret', 'the client secret value of the app registration');
    return { fields: async () => ({ client_secret: secret }), secrets: [secret], confidential: true };
  }
  if (clientCertificate !== undefined) {
    const signer = assertionSigner(clientId, clientCertificate);
    return {
      fields: async (tokenEndpoint, now) => ({ client_assertion_type: ASSERTION_TYPE, client_assertion: await signer.sign(tokenEndpoint, now) }),
      secrets: [],
      confidential: true,
    };
  }
  if (required) {
    throw new InputError('clientSecret or clientCertificate is required: this flow authenticates the application itself.', 'ERR_INVALID_INPUT', 'clientSecret');
  }
  return PUBLIC;
}
