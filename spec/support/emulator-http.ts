// Raw HTTP helpers (global fetch) for the emulator specs: form POSTs, GETs, body + headers as plain data. Tests only.

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
}

async function toRaw(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return toRaw(res);
}

export async function postJson(url: string, body: unknown): Promise<RawResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return toRaw(res);
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return toRaw(await fetch(url, { headers, redirect: 'manual' }));
}

/** The JSON body of a response, failing loudly when it is not JSON. */
export function body(r: RawResponse): Record<string, unknown> {
  if (!r.json) throw new Error(`expected a JSON body, got HTTP ${r.status}: ${r.text.slice(0, 200)}`);
  return r.json;
}
