// valibot schemas of what AAD v1 sends: token, devicecode, user realm and OAuth error bodies.
// Numbers arrive as strings on v1, so numeric fields accept both, output numbers, and must be plausible.
import * as v from 'valibot';

/** Token lifetimes above two days are not plausible (Entra allows at most one day for access tokens). */
export const MAX_TOKEN_LIFETIME_SECONDS = 2 * 86_400;
/** Epoch seconds from 2001 to 2100. */
const EPOCH_MIN = 1_000_000_000;
const EPOCH_MAX = 4_102_444_800;

/** An integer in [min, max], given as a numeric string ("3599", what v1 sends) or a JSON number. */
function numeric(min: number, max: number) {
  return v.pipe(
    v.union([v.pipe(v.string(), v.regex(/^\s*\d{1,12}\s*$/), v.transform(Number)), v.pipe(v.number(), v.integer())], 'a number or a numeric string'),
    v.minValue(min, `a number from ${min}`),
    v.maxValue(max, `a number up to ${max}`),
  );
}

const NonEmptyString = v.pipe(v.string(), v.nonEmpty());

export const TokenResponseSchema = v.object({
  token_type: v.pipe(NonEmptyString, v.check((s) => s.toLowerCase() === 'bearer', 'the token type Bearer')),
  access_token: NonEmptyString,
  expires_in: numeric(1, MAX_TOKEN_LIFETIME_SECONDS),
  ext_expires_in: v.optional(numeric(0, MAX_TOKEN_LIFETIME_SECONDS)),
  expires_on: v.optional(numeric(EPOCH_MIN, EPOCH_MAX)),
  not_before: v.optional(numeric(EPOCH_MIN, EPOCH_MAX)),
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  refresh_token: v.optional(NonEmptyString),
  id_token: v.optional(NonEmptyString),
});
export type TokenResponseOutput = v.InferOutput<typeof TokenResponseSchema>;

export const DeviceCodeResponseSchema = v.object({
  user_code: v.pipe(NonEmptyString, v.maxLength(64)),
  device_code: NonEmptyString,
  verification_url: v.optional(v.pipe(v.string(), v.url())),
  verification_uri: v.optional(v.pipe(v.string(), v.url())),
  expires_in: numeric(1, 86_400),
  interval: v.optional(numeric(0, 300)),
  message: v.optional(v.pipe(v.string(), v.maxLength(2048))),
});
export type DeviceCodeResponseOutput = v.InferOutput<typeof DeviceCodeResponseSchema>;

export const UserRealmSchema = v.object({
  account_type: v.string(),
  domain_name: v.optional(v.string()),
  federation_protocol: v.optional(v.string()),
  cloud_instance_name: v.optional(v.string()),
});
export type UserRealmOutput = v.InferOutput<typeof UserRealmSchema>;

/** The OAuth error body; everything but `error` is optional and loosely typed. */
export const OAuthErrorSchema = v.object({
  error: NonEmptyString,
  error_description: v.optional(v.string()),
  error_codes: v.optional(v.array(v.pipe(v.number(), v.integer(), v.minValue(0)))),
  trace_id: v.optional(v.string()),
  correlation_id: v.optional(v.string()),
  timestamp: v.optional(v.string()),
  error_uri: v.optional(v.string()),
  suberror: v.optional(v.string()),
  claims: v.optional(v.string()),
});
export type OAuthErrorOutput = v.InferOutput<typeof OAuthErrorSchema>;
