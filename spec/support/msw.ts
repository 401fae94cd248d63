// msw behind the transport seam: a fetch-compatible function answered by msw handlers, recording
// every request (url, headers, form) it saw. msw cannot see undici.request(), hence the seam.
import { getResponse, type RequestHandler } from 'msw';
import type { FetchLike } from '../../lib/http/types.js';

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  form: URLSearchParams;
}

export interface MockTransport {
  fetch: FetchLike;
  requests: SeenRequest[];
}

export function mockTransport(...handlers: RequestHandler[]): MockTransport {
  const requests: SeenRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request = new Request(url, init);
    const body = await request.clone().text();
    requests.push({ method: request.method, url: new URL(request.url), headers: request.headers, body, form: new URLSearchParams(body) });
    const response = await getResponse(handlers, request);
    if (!response) throw new Error(`no msw handler for ${request.method} ${request.url}`);
    return response;
  };
  return { fetch, requests };
}
