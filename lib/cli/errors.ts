// The one place that turns an error into an exit code and the lines printed for it: the error first,
// on one line, in the CLI's words (flags, not library options), then what to do. Every string that
// may come from a server passes cleanLine() here. It prints nothing itself.
import { D365AuthError, OAuthError, TransportError, isD365AuthError } from '../index.js';
import { cleanLine } from './clean.js';
import { networkHints } from './hints.js';
import { inOwnWords } from './words.js';

/** A usage problem the CLI found itself; `lines` are already in their final words (suggestion, pointer to help). */
export class UsageError extends Error {
  readonly lines: readonly string[];
  constructor(message: string, lines: readonly string[] = []) {
    super(message);
    this.name = 'UsageError';
    this.lines = lines;
  }
}

/** The person cancelled (Ctrl-C at a prompt). */
export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Exit code for an error (documented in the help overview and the README). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof CancelledError) return 130;
  if (!isD365AuthError(error)) return 1;
  switch (error.code) {
    case 'ERR_INVALID_INPUT':
    case 'ERR_INSECURE_URL':
      return 2;
    case 'ERR_OAUTH':
    case 'ERR_SIGN_IN_REQUIRED':
    case 'ERR_FEDERATED_USER':
    case 'ERR_DEVICE_CODE_DECLINED':
    case 'ERR_DEVICE_CODE_EXPIRED':
      return 1;
    case 'ERR_TRANSPORT':
    case 'ERR_TIMEOUT':
    case 'ERR_UNEXPECTED_STATUS':
    case 'ERR_NOT_JSON':
    case 'ERR_INVALID_RESPONSE':
    case 'ERR_BODY_TOO_LARGE':
    case 'ERR_RESOURCE_MISMATCH':
    case 'ERR_DEVICE_CODE_TIMEOUT':
    case 'ERR_SESSION_LOCKED':
    case 'ERR_BROWSER_TIMEOUT':
    case 'ERR_LOOPBACK_LISTENER':
    case 'ERR_NO_BROWSER':
      return 3;
    case 'ERR_CONFIG':
    case 'ERR_CONFIG_IO':
    case 'ERR_SESSION_STORE':
      return 4;
    case 'ERR_ABORTED':
    case 'ERR_DEVICE_CODE_CANCELLED':
    case 'ERR_BROWSER_CANCELLED':
      return 130;
  }
}

export interface DescribeContext {
  env: Readonly<Record<string, string | undefined>>;
  /** The CLI has a `doctor` command to point at. */
  hasDoctor: boolean;
}

/** A string field of an error class the CLI cannot import (e.g. SessionStoreError's `remedy`). */
function field(error: object, name: string): string | undefined {
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The lines to print on stderr for `error` (each one line, no control characters). */
export function describeError(error: unknown, context: DescribeContext): string[] {
  const lines: string[] = [];
  if (error instanceof UsageError) {
    lines.push(`error: ${error.message}`, ...error.lines);
  } else if (error instanceof CancelledError) {
    lines.push(error.message);
  } else if (error instanceof OAuthError) {
    // the message carries the server's description: not rewritten, only cleaned
    lines.push(`error: ${error.message}`);
    if (error.remedy) lines.push(`what to do: ${error.remedy}`);
    const ids = [error.traceId && `trace id ${error.traceId}`, error.correlationId && `correlation id ${error.correlationId}`].filter(Boolean);
    if (ids.length) lines.push(`(${ids.join(', ')})`);
  } else if (error instanceof D365AuthError) {
    lines.push(`error: ${inOwnWords(error.message, field(error, 'option'))}`);
    const remedy = field(error, 'remedy');
    if (remedy) lines.push(`what to do: ${inOwnWords(remedy)}`);
    if (error instanceof TransportError && (error.code === 'ERR_TRANSPORT' || error.code === 'ERR_TIMEOUT')) {
      lines.push(...networkHints(error.code, error.reason, error.url, context.env, context.hasDoctor));
    }
  } else {
    // an unexpected error: its message only (a stack may hold argument values)
    lines.push(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  }
  return lines.map(cleanLine);
}
