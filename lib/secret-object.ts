// Objects that carry secrets yet show only their shape to every way of printing them: util.inspect
// (any options, console.dir included), String(), template strings and JSON.stringify. Secrets are
// not own properties at all: they sit in a WeakMap behind getters on a shared prototype, so no
// printing path and no key a server sends can reach them. Reading `obj.secretName` returns them.

const vault = new WeakMap<object, Map<string, string>>();
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
type Inspect = (value: unknown, options: object) => string;

/** `[redacted, N chars]`: tells two secrets apart in a listing without revealing either. */
export function describeSecret(value: string | undefined): string {
  return value ? `[redacted, ${value.length} chars]` : '[none]';
}

export interface SecretKind<T extends object> {
  /** A new object: `fields` become own enumerable properties; `secrets` (undefined ones left out) are readable through getters only. */
  create(fields: Readonly<Record<string, unknown>>, secrets: Readonly<Record<string, string | undefined>>): T;
  /** True for an object made by `create`. */
  is(value: unknown): value is T;
}

/**
 * A kind of secret-holding object, e.g. `secretKind('AadToken', ['accessToken', 'refreshToken'])`.
 * Own properties are copied with defineProperty (a key such as `__proto__` or `toJSON` from a server
 * stays a plain data property and changes nothing).
 */
export function secretKind<T extends object>(
  label: string,
  secretNames: readonly string[],
  /** Adjusts what inspect and JSON.stringify show (e.g. times as ISO text); secrets are already described. */
  display: (shape: Record<string, unknown>) => Record<string, unknown> = (shape) => shape,
): SecretKind<T> {
  const shape = (self: object): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(self)) out[key] = (self as Record<string, unknown>)[key];
    const secrets = vault.get(self);
    for (const name of secretNames) if (secrets?.has(name)) out[name] = describeSecret(secrets.get(name));
    return display(out);
  };
  const proto: object = Object.create(Object.prototype, {
    [Symbol.toStringTag]: { value: label },
    [INSPECT]: {
      value(this: object, _depth: number, options: object, inspect: Inspect) {
        return `${label} ${inspect(shape(this), options)}`;
      },
    },
    toJSON: {
      value(this: object) {
        return shape(this);
      },
    },
    toString: {
      value() {
        return `[${label}]`;
      },
    },
    // a symbol, so no string key from a server can shadow it (template strings use it first)
    [Symbol.toPrimitive]: {
      value() {
        return `[${label}]`;
      },
    },
    ...Object.fromEntries(
      secretNames.map((name) => [
        name,
        {
          get(this: object) {
            return vault.get(this)?.get(name);
          },
        },
      ]),
    ),
  });
  return {
    create(fields, secrets) {
      const self = Object.create(proto) as T;
      for (const key of Object.keys(fields)) {
        if (secretNames.includes(key)) continue;
        const value = fields[key];
        if (value !== undefined) Object.defineProperty(self, key, { value, enumerable: true, writable: false, configurable: false });
      }
      const stored = new Map<string, string>();
      for (const name of secretNames) {
        const value = secrets[name];
        if (typeof value === 'string') stored.set(name, value);
      }
      vault.set(self, stored);
      return self;
    },
    is(value: unknown): value is T {
      return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === proto;
    },
  };
}

/** A deep copy of parsed JSON made of null-prototype objects: nothing in it inherits from what a server sent. */
export function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, { value: plainCopy((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
