// The CLI's own words for the library's: a library option named in an error or warning becomes the
// flag a person types (clientId -> --client-id). It does not validate flags (values.ts does).
//
// The library names the option an InputError is about in its `option` field; that is the way to
// do it, and the library will set it on every InputError. Until it does, KNOWN_MESSAGES bridges the
// messages that name an option without setting `option` (and warnings, and the timeout messages of
// other error kinds, which have no such field).

/** Library option -> the CLI flag that sets it. */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  allowUnknownHost: '--force',
  authorityHost: '--authority-host',
  certificateFile: '--certificate-file',
  clientCertificate: '--certificate-file',
  clientId: '--client-id',
  clientSecret: '--client-secret-stdin',
  force: '--force',
  keyFile: '--key-file',
  keyPassphrase: '--key-passphrase-stdin',
  lcsApiUri: '--lcs-api-uri',
  minValiditySeconds: '--min-validity',
  projectId: '--project-id',
  publicClient: '--public-client',
  refreshToken: '--refresh-token-stdin',
  resource: '--resource',
  systemUrl: '--system-url',
  tenant: '--tenant',
  timeoutSeconds: '--timeout',
  url: '--url',
  username: '--username',
};

/** Camel-case option names: never an English word, so replaced wherever they stand as a word. */
const CAMEL = Object.keys(FLAG_OF_OPTION).filter((name) => /[A-Z]/.test(name));

/** A quoted part (a config name, a value: left alone) or `word` standing alone (not inside a path, URL or flag). */
function wordPattern(words: readonly string[], flags = 'g'): RegExp {
  return new RegExp(`("[^"]*")|(?<![\\w./-])(${words.join('|')})(?![\\w/-]|\\.\\w)`, flags);
}

/** Messages of today's library that name an option without setting `option`, and what the CLI says instead. */
const KNOWN_MESSAGES: readonly (readonly [RegExp, string])[] = [
  // config store: "An OData config named "X" already exists; pass force to overwrite it."
  [/\bpass force to\b/g, 'pass --force to'],
  // d365/lcs.ts: a missing refresh token (the CLI has no flag for one; it comes from the saved session)
  [/^refreshToken is required: pass it, or sign in first/, 'No refresh token is saved: sign in first'],
  // protocol checks and OData configs: "tenant is required …", "OData config "X": url must …"
  [/^((?:OData config "[^"]*": )?)(tenant|url|username)( is required| must| is not)/, '$1--$2$3'],
  // the per-request timeout has no flag: the parenthesis would only say a library option name
  [/ \(timeoutMs\)/g, ''],
];

/** `name` (a whole word outside quotes) replaced by `flag`: the first time only, or everywhere. */
function replaceWord(text: string, name: string, flag: string, everywhere: boolean): string {
  let done = false;
  return text.replace(wordPattern([name]), (match, quoted: string | undefined) => {
    if (quoted !== undefined || (done && !everywhere)) return match;
    done = true;
    return flag;
  });
}

/** `message` with the library's option names said as the CLI's flags. */
export function inOwnWords(message: string, option?: string | undefined): string {
  let text = message;
  const flag = option === undefined ? undefined : FLAG_OF_OPTION[option];
  if (option !== undefined && flag !== undefined) text = replaceWord(text, option, flag, false);
  for (const [pattern, replacement] of KNOWN_MESSAGES) text = text.replace(pattern, replacement);
  for (const name of CAMEL) text = replaceWord(text, name, FLAG_OF_OPTION[name]!, true);
  return text;
}
