// The page's service worker (scope: the page's base, `/`): keeps the page
// cross-origin isolated and bootable offline (offline.ts, isolation.ts), and
// bridges fetches of /port/N/… to the guests' servers (bridge.ts).
// Registered by the page (web/serviceworker.ts) from `sw.js` at the base,
// which sw/build.ts bundles from this file as a classic script, so every
// browser with service workers runs it. `install` precaches the build's files
// and skips waiting, `activate` drops older precaches and claims the open
// pages, so the first visit is served by this worker from its next request
// on (a page loaded before has no controller until then).
// Spec: Service Workers (W3C), §"Service Worker Lifecycle".
import { badGateway, PortBridge } from './bridge.js';
import { OfflineCache, type Precache } from './offline.js';

declare const __TABKERNEL_PRECACHE__: Precache;

const sw = self as unknown as ServiceWorkerGlobalScope;
const offline = new OfflineCache(caches, sw.registration.scope, __TABKERNEL_PRECACHE__);
const bridge = new PortBridge(sw.clients, sw.registration.scope);

sw.addEventListener('install', (e) => {
  e.waitUntil(offline.install().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(offline.activate().then(() => sw.clients.claim()));
});

sw.addEventListener('fetch', (e) => {
  const port = bridge.portOf(e.request.url);
  if (port !== null) {
    e.respondWith(bridge.respond(e.request).catch((err: unknown) =>
      badGateway(port, 'The bridge failed', err instanceof Error ? err.message : String(err))));
  } else if (offline.handles(e.request)) {
    e.respondWith(offline.respond(e.request, (work) => e.waitUntil(work)));
  }
});
