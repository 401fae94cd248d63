// Child process for the proxy spec: one client-credentials grant with HTTP_PROXY set by the parent.
import { EMULATOR_DEMO, clientCredentialsGrant } from '../../lib/index.js';

const [authorityHost, tenant] = process.argv.slice(2) as [string, string];
const token = await clientCredentialsGrant({
  authorityHost,
  tenant,
  clientId: EMULATOR_DEMO.confidentialClient.clientId,
  clientSecret: EMULATOR_DEMO.confidentialClient.secret,
  resource: 'https://contoso.operations.dynamics.com',
});
process.stdout.write(token.resource ?? '');
