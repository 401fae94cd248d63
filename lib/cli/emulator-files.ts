// The emulator's --users and --clients files: JSON arrays in the shapes of EmulatorUser and
// EmulatorClient, checked entry by entry with messages that name the flag, the file, the entry and
// the field. It starts nothing.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { EmulatorClient, EmulatorUser } from '../index.js';
import { UsageError } from './errors.js';
import { nearest } from './suggest.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type FieldKind = 'string' | 'boolean' | 'strings';
interface Shape {
  what: string;
  fields: Record<string, { kind: FieldKind; required?: true; check?: (value: string) => string | undefined }>;
  example: string;
}

const USER: Shape = {
  what: 'user',
  fields: {
    username: { kind: 'string', required: true, check: (v) => (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? undefined : 'must be a user principal name such as admin@contoso.onmicrosoft.com') },
    password: { kind: 'string', required: true },
    mfaRequired: { kind: 'boolean' },
    locked: { kind: 'boolean' },
    federated: { kind: 'boolean' },
    displayName: { kind: 'string' },
  },
  example: '[{ "username": "admin@contoso.onmicrosoft.com", "password": "…" }]',
};

const CLIENT: Shape = {
  what: 'client',
  fields: {
    clientId: { kind: 'string', required: true, check: (v) => (GUID.test(v) ? undefined : 'must be a GUID') },
    secret: { kind: 'string' },
    allowPublicClientFlows: { kind: 'boolean' },
    roles: { kind: 'strings' },
    certificates: { kind: 'strings' },
    redirectUris: { kind: 'strings' },
  },
  example: '[{ "clientId": "4e9c6a1b-52d3-4c8f-8a7e-1f2b3c4d5e6f", "allowPublicClientFlows": true }]',
};

const KIND_WORDS: Record<FieldKind, string> = { string: 'a string', boolean: 'true or false', strings: 'an array of strings' };

function isKind(value: unknown, kind: FieldKind): boolean {
  if (kind === 'strings') return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return typeof value === kind && (kind !== 'string' || value !== '');
}

/** Reads and checks one file; `flag` and `file` name it in every message. */
async function readEntries(flag: string, file: string, shape: Shape, key: string): Promise<Record<string, unknown>[]> {
  const where = `${flag} ${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${where}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(data) || data.length === 0) throw new UsageError(`${where}: must be a JSON array of ${shape.what}s, e.g. ${shape.example}`);
  const seen = new Map<string, number>();
  data.forEach((entry: unknown, index) => {
    const at = `${where}: entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UsageError(`${at}: must be an object like ${shape.example.slice(1, -1)}`);
    const record = entry as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!(name in shape.fields)) {
        const near = nearest(name, Object.keys(shape.fields));
        throw new UsageError(`${at}: unknown field "${name}"${near ? ` (did you mean "${near}"?)` : ''}; a ${shape.what} has ${Object.keys(shape.fields).join(', ')}.`);
      }
    }
    for (const [name, field] of Object.entries(shape.fields)) {
      const value = record[name];
      if (value === undefined) {
        if (field.required) throw new UsageError(`${at}: "${name}" is missing.`);
        continue;
      }
      if (!isKind(value, field.kind)) throw new UsageError(`${at}: "${name}" must be ${KIND_WORDS[field.kind]}${field.kind === 'string' ? ' (not empty)' : ''}.`);
      const problem = field.check?.(value as string);
      if (problem) throw new UsageError(`${at}: "${name}" ${problem}.`);
    }
    const id = String(record[key]).toLowerCase();
    const first = seen.get(id);
    if (first !== undefined) throw new UsageError(`${at}: "${key}" repeats entry ${first}.`);
    seen.set(id, index + 1);
  });
  return data as Record<string, unknown>[];
}

export async function readUsersFile(file: string): Promise<EmulatorUser[]> {
  return (await readEntries('--users', file, USER, 'username')) as unknown as EmulatorUser[];
}

/**
 * The clients; a `certificates` entry is a certificate's PEM text, or the path of a PEM file
 * (relative to the clients file), read here.
 */
export async function readClientsFile(file: string): Promise<EmulatorClient[]> {
  const entries = await readEntries('--clients', file, CLIENT, 'clientId');
  for (const [index, entry] of entries.entries()) {
    const certificates = entry['certificates'] as string[] | undefined;
    if (certificates === undefined) continue;
    entry['certificates'] = await Promise.all(
      certificates.map(async (item) => {
        if (item.includes('-----BEGIN CERTIFICATE-----')) return item;
        const path = resolve(dirname(file), item);
        const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(`--clients ${file}: entry ${index + 1}: certificate file ${path}: cannot read it (${error.code ?? 'error'}).`);
        });
        if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--clients ${file}: entry ${index + 1}: ${path} holds no PEM certificate.`);
        return text;
      }),
    );
  }
  return entries as unknown as EmulatorClient[];
}
