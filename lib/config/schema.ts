// The config file format (valibot schemas), its parsing and serialisation; it does no I/O and no input checks.
import * as v from 'valibot';
import { ConfigError } from '../errors.js';

/** The format version this code writes and understands. */
export const CONFIG_VERSION = 1;

const epochNumber = v.pipe(v.number(), v.finite());

/** Why a saved refresh token is dead (SessionRecord.refreshRefused). */
const RefreshRefusalSchema = v.object({
  refreshTokenHash: v.string(),
  error: v.string(),
  aadsts: v.optional(v.string()),
  message: v.string(),
  at: epochNumber,
});

/** valibot's object schemas accept arrays; a config section must be a plain JSON object. */
const jsonObject = v.custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input));

/** `looseObject` (unknown keys kept, so a newer version's data survives) that refuses arrays. */
function section<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(jsonObject, v.looseObject(entries));
}

/**
 * The saved LCS session and defaults (PowerShell `Set-D365LcsApiConfig`). `bearerToken` is the bare
 * access token, without the `Bearer ` prefix. Unknown keys are kept (newer versions' data survives).
 */
export const LcsConfigSchema = section({
  clientId: v.optional(v.string()),
  lcsApiUri: v.optional(v.string()),
  projectId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  bearerToken: v.optional(v.string()),
  refreshToken: v.optional(v.string()),
  /** The server's `expires_on`, epoch seconds (PowerShell's `ActiveTokenExpiresOn`). */
  activeTokenExpiresOn: v.optional(epochNumber),
  /** The local expiry, epoch milliseconds: send time + `expires_in`. */
  activeTokenExpiresAt: v.optional(epochNumber),
  /** What `restoreToken()` needs besides the above. */
  tokenType: v.optional(v.string()),
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  expiresIn: v.optional(epochNumber),
  sentAt: v.optional(epochNumber),
  notBefore: v.optional(epochNumber),
  /** The authority the session signed in with; its refreshes go there. */
  authorityHost: v.optional(v.string()),
  tenant: v.optional(v.string()),
  refreshRefused: v.optional(RefreshRefusalSchema),
});
export type LcsConfigOutput = v.InferOutput<typeof LcsConfigSchema>;

/** The session of a person signed in for an OData config (`odata login`), or its cached app token. */
export const ODataSessionSchema = section({
  authorityHost: v.optional(v.string()),
  tenant: v.optional(v.string()),
  clientId: v.optional(v.string()),
  tokenType: v.optional(v.string()),
  accessToken: v.optional(v.string()),
  refreshToken: v.optional(v.string()),
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  expiresIn: v.optional(epochNumber),
  expiresOn: v.optional(epochNumber),
  expiresAt: v.optional(epochNumber),
  sentAt: v.optional(epochNumber),
  notBefore: v.optional(epochNumber),
  refreshRefused: v.optional(RefreshRefusalSchema),
});

/** One named OData connection (PowerShell `Add-D365ODataConfig`). */
export const ODataConfigSchema = section({
  tenant: v.string(),
  url: v.string(),
  systemUrl: v.optional(v.string()),
  clientId: v.optional(v.string()),
  clientSecret: v.optional(v.string()),
  /** The client id is a public client: only then is it used for interactive sign-in. */
  publicClient: v.optional(v.boolean()),
  /** The authority for this environment's tenant (national clouds). */
  authorityHost: v.optional(v.string()),
  /** A client certificate, saved as file paths (never the key material). */
  certificateFile: v.optional(v.string()),
  keyFile: v.optional(v.string()),
  x5c: v.optional(v.boolean()),
  sha256: v.optional(v.boolean()),
  session: v.optional(ODataSessionSchema),
});
export type ODataConfigOutput = v.InferOutput<typeof ODataConfigSchema>;

export const ODataSectionSchema = section({
  configs: v.optional(v.pipe(jsonObject, v.record(v.string(), ODataConfigSchema)), () => ({})),
  /** The name (as stored in `configs`) of the active config. */
  active: v.optional(v.string()),
});
export type ODataSectionOutput = v.InferOutput<typeof ODataSectionSchema>;

export const ConfigFileSchema = section({
  version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), CONFIG_VERSION),
  lcs: v.optional(LcsConfigSchema, () => ({})),
  odata: v.optional(ODataSectionSchema, () => ({ configs: {} })),
});
export type ConfigFileOutput = v.InferOutput<typeof ConfigFileSchema>;
/** The whole config file, as read (defaults filled in). */
export type ConfigFile = ConfigFileOutput;

/** An empty config: what a missing file means. */
export function emptyConfig(): ConfigFile {
  return { version: CONFIG_VERSION, lcs: {}, odata: { configs: {} } };
}

const HOW_TO_FIX = 'Move it aside (e.g. rename it to config.json.bak) or fix it by hand; it is never overwritten while it is invalid.';

/** Parses the file's text; a blank file is an empty config. Throws `ConfigError` (ERR_CONFIG) naming `path`. */
export function parseConfigText(text: string, path: string): ConfigFile {
  if (text.trim() === '') return emptyConfig();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // the parser's own message quotes the text, which may hold a secret: it is not passed on
    throw new ConfigError(`The config file ${path} is not valid JSON. ${HOW_TO_FIX}`, path);
  }
  const result = v.safeParse(ConfigFileSchema, json);
  if (!result.success) {
    throw new ConfigError(`The config file ${path} is invalid: ${describeIssue(result.issues[0])}. ${HOW_TO_FIX}`, path);
  }
  if (result.output.version > CONFIG_VERSION) {
    throw new ConfigError(
      `The config file ${path} has format version ${result.output.version}, written by a newer d365fo-auth; this version understands format ${CONFIG_VERSION}. Upgrade d365fo-auth or use another file.`,
      path,
    );
  }
  return result.output;
}

/** Validates a config about to be written; throws `ConfigError` (ERR_CONFIG) naming `path` when it is invalid. */
export function checkConfigToWrite(config: unknown, path: string): ConfigFile {
  const checked = v.safeParse(ConfigFileSchema, config);
  if (!checked.success) {
    throw new ConfigError(`Refusing to write an invalid config to ${path}: ${describeIssue(checked.issues[0])}.`, path);
  }
  return checked.output;
}

/** Where and what is wrong, e.g. `lcs.projectId should be number`; never the value found. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = v.getDotPath(issue) ?? 'the top level';
  if (issue.type === 'custom') return `${where} should be an object`;
  if (issue.received === 'undefined') return `${where} is missing`;
  return `${where} should be ${issue.expected ?? 'something else'}`;
}

/** The file's text: pretty JSON, version first, newline at the end. */
export function serializeConfig(config: ConfigFile): string {
  const { version: _version, ...rest } = config;
  return `${JSON.stringify({ version: CONFIG_VERSION, ...rest }, null, 2)}\n`;
}
