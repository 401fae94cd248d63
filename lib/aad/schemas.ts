// valibot schemas of what AAD v1 sends: token, devicecode, user realm and OAuth error bodies.
// Numbers arrive as strings on v1, so numeric fields accept both and output numbers.
import * as v from 'valibot';

/**
 * A non-negative integer given as a numeric string ("3599", what v1 sends) or a JSON number. The
 * string comes first: a union tries its options in order, and a failed option costs an issue object.
 */
const NumericSchema = v.pipe(
  v.union([
    v.pipe(v.string(), v.regex(/^\s*\d{1,15}\s*$/), v.transform(Number)),
    v.pipe(v.number(), v.integer(), v.minValue(0)),
  ], 'a number or a numeric string'),
);

const NonEmptyString = v.pipe(v.string(), v.nonEmpty());

export const TokenResponseSchema = v.looseObject({
  token_type: v.pipe(NonEmptyString, v.check((s) => s.toLowerCase() === 'bearer', 'the token type Bearer')),
  access_token: NonEmptyString,
  expires_in: NumericSchema,
  ext_expires_in: v.optional(NumericSchema),
  expires_on: v.optional(NumericSchema),
  not_before: v.optional(NumericSchema),
  resource: v.optional(v.string()),
  scope: v.optional(v.string()),
  refresh_token: v.optional(NonEmptyString),
  id_token: v.optional(NonEmptyString),
});
export type TokenResponseOutput = v.InferOutput<typeof TokenResponseSchema>;

export const DeviceCodeResponseSchema = v.looseObject({
  user_code: NonEmptyString,
  device_code: NonEmptyString,
  verification_url: v.optional(v.pipe(v.string(), v.url())),
  verification_uri: v.optional(v.pipe(v.string(), v.url())),
  expires_in: NumericSchema,
  interval: v.optional(NumericSchema),
  message: v.optional(v.string()),
});
export type DeviceCodeResponseOutput = v.InferOutput<typeof DeviceCodeResponseSchema>;

export const UserRealmSchema = v.looseObject({
  account_type: v.string(),
  domain_name: v.optional(v.string()),
  federation_protocol: v.optional(v.string()),
  cloud_instance_name: v.optional(v.string()),
});
export type UserRealmOutput = v.InferOutput<typeof UserRealmSchema>;

/** The OAuth error body; everything but `error` is optional and loosely typed. */
export const OAuthErrorSchema = v.looseObject({
  error: NonEmptyString,
  error_description: v.optional(v.string()),
  error_codes: v.optional(v.array(v.pipe(v.number(), v.integer()))),
  trace_id: v.optional(v.string()),
  correlation_id: v.optional(v.string()),
  timestamp: v.optional(v.string()),
  error_uri: v.optional(v.string()),
  suberror: v.optional(v.string()),
  claims: v.optional(v.string()),
});
export type OAuthErrorOutput = v.InferOutput<typeof OAuthErrorSchema>;
