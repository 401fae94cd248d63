// What to check after a network failure: one or two "hint:" lines from the failure's reason (refused,
// no such name, no answer, reset, untrusted certificate) and the proxy the environment configures
// (its address only, never its credentials). It sends nothing; `d365fo-auth doctor` tests, and is named
// here when the command table has it.

type Env = Readonly<Record<string, string | undefined>>;

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const NO_NAME = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const NO_ANSWER = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The proxy undici's EnvHttpProxyAgent would use for `url` (lower-case names first), without credentials. */
export function proxyOf(url: string, env: Env): { variable: string; address: string } | undefined {
  const https = url.startsWith('https:');
  const names = https ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  for (const variable of names) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    try {
      const parsed = new URL(value);
      return { variable, address: `${parsed.protocol}//${parsed.host}` };
    } catch {
      return { variable, address: '(set, but not a URL)' };
    }
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The proxy part of a hint: which one is configured and what NO_PROXY exempts, or that none is. */
function proxyWords(url: string, env: Env): string {
  const proxy = proxyOf(url, env);
  const noProxy = env.no_proxy || env.NO_PROXY;
  if (!proxy) return 'no proxy is set (HTTPS_PROXY is empty; set it if this network needs one)';
  const exempt = noProxy ? `, NO_PROXY=${noProxy.length > 60 ? `${noProxy.slice(0, 57)}...` : noProxy}` : ', NO_PROXY is empty';
  return `the proxy ${proxy.address} (from ${proxy.variable}${exempt}) is used: is it right, and does it let this through?`;
}

/**
 * Hint lines for a TransportError: `code` ERR_TRANSPORT (with `reason`) or ERR_TIMEOUT. `doctor`
 * is named only when the CLI has that command.
 */
export function networkHints(code: string, reason: string | undefined, url: string, env: Env, hasDoctor: boolean): string[] {
  const host = hostOf(url);
  const where = `${host} (set with --authority-host or D365FO_AUTHORITY_HOST)`;
  const lines: string[] = [];
  if (code === 'ERR_TIMEOUT') {
    lines.push(`hint: ${host} did not answer in time: a firewall that drops the connection, or a slow or wrong proxy; ${proxyWords(url, env)}`);
  } else if (reason === 'ECONNREFUSED') {
    lines.push(`hint: nothing accepts connections at ${where}: is the address and port right, and is the server (or emulator) running? ${proxyWords(url, env)}`);
  } else if (reason !== undefined && NO_NAME.has(reason)) {
    lines.push(`hint: the name ${host} does not resolve: check its spelling (--authority-host, D365FO_AUTHORITY_HOST) and this machine's DNS; ${proxyWords(url, env)}`);
  } else if (reason !== undefined && (TLS_TRUST.has(reason) || reason.startsWith('ERR_TLS_') || reason.startsWith('CERT_'))) {
    lines.push(
      `hint: the TLS certificate of ${host} is not trusted (${reason}): a TLS-inspecting proxy or firewall? Point NODE_EXTRA_CA_CERTS at its CA certificate (PEM), e.g. NODE_EXTRA_CA_CERTS=/etc/ssl/certs/corp-ca.pem`,
    );
  } else if (reason !== undefined && NO_ANSWER.has(reason)) {
    lines.push(`hint: the connection to ${host} got no answer or was cut (${reason}): a firewall in the way? ${proxyWords(url, env)}`);
  } else {
    lines.push(`hint: the connection to ${where} failed${reason ? ` (${reason})` : ''}: check the firewall; ${proxyWords(url, env)}`);
  }
  if (hasDoctor) lines.push('hint: run `d365fo-auth doctor` to check the network, proxy, TLS and clock.');
  return lines;
}
