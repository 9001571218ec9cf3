// Cross-origin isolation for what the service worker answers. A response the
// service worker makes stands in for the server's, headers included: a
// document (the page, or a guest's page under /port/N/) loaded from it without
// COOP and COEP is not isolated (no SharedArrayBuffer: the kernel cannot run),
// and inside an isolated page a frame without them is blocked. So every
// response the service worker returns carries the three headers the dev server
// and `vite preview` send (vite.config.ts), whatever its source sent.
// Spec: HTML "Cross-origin opener policies" and "Cross-origin embedder
// policies"; Fetch "Cross-Origin-Resource-Policy header".

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** `headers` with the isolation headers set (replacing any the source sent). */
export function isolatedHeaders(headers: HeadersInit | undefined): Headers {
  const out = new Headers(headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) out.set(name, value);
  return out;
}

/**
 * `response` as the service worker returns it: same status and body, the
 * isolation headers set. One that has them already (the server sent them) is
 * returned as it is: Chrome keeps the compiled code of a script the service
 * worker precached beside the cache entry, and uses it only when the page
 * gets that very response, not a copy.
 */
export function isolated(response: Response): Response {
  // An opaque or error response has no readable headers or status to carry over.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.type === 'error') return response;
  if (Object.entries(ISOLATION_HEADERS).every(([name, value]) => response.headers.get(name) === value)) return response;
  return new Response(nullBodyStatus(response.status) ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: isolatedHeaders(response.headers),
  });
}

/** Statuses a Response may not have a body with (Fetch: "null body status"). */
export function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}
