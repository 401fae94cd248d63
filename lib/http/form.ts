// application/x-www-form-urlencoded encoding with every reserved character percent-encoded.
// It does not decide which fields a grant sends.

/** RFC 3986 unreserved characters stay; everything else (including !'()*) is percent-encoded. */
export function encodeFormValue(value: string): string {
  const encoded = encodeURIComponent(value);
  return SUB_DELIMS.test(encoded) ? encoded.replace(SUB_DELIMS_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

const SUB_DELIMS = /[!'()*]/;
const SUB_DELIMS_ALL = /[!'()*]/g;

/** Encodes the defined fields in the given order; undefined values are left out. */
export function encodeForm(fields: Readonly<Record<string, string | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${encodeFormValue(key)}=${encodeFormValue(value)}`);
  }
  return parts.join('&');
}
