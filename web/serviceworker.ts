// The page's side of the service worker (sw/sw.ts): registers it, scope the
// page's base, so that the page stays cross-origin isolated and boots offline
// once it has loaded (sw/offline.ts); and answers its offers of a bridge port
// (sw/bridge.ts) by handing each to the page's kernel worker, which from then
// on answers the service worker's HTTP requests for /port/N/… itself: the
// page's thread carries the port once and no byte after. Registration is a
// request the browser completes in the background; the page does not wait
// for it. A page that is not isolated (served without COOP/COEP) does not
// register one: it cannot run the kernel either way, and says so.
// Spec: Service Workers (W3C), ServiceWorkerContainer.register, .startMessages.
import type { BrowserKernel } from '../kernel/host/browser/client.js';
import type { BridgeOffer } from '../kernel/host/browser/messages.js';

/** Register sw.js at the page's base; resolves to the registration, or null where there are no service workers. */
export async function registerServiceWorker(base: string): Promise<ServiceWorkerRegistration | null> {
  const container = navigator.serviceWorker;
  // Absent in insecure contexts (plain http other than localhost) and in some private windows.
  if (!container) return null;
  try {
    return await container.register(`${base}sw.js`, { scope: base });
  } catch (e) {
    console.warn(`tabkernel: no service worker (the page will not boot offline): ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/** Give `kernel` every bridge port the service worker offers this page (now and after the browser restarts it). */
export function serveServiceWorkerBridge(kernel: BrowserKernel): void {
  const container = navigator.serviceWorker;
  if (!container) return;
  container.addEventListener('message', (e: MessageEvent<BridgeOffer>) => {
    if (e.data?.type === 'tabkernel-bridge' && e.ports[0]) kernel.serveBridge(e.ports[0]);
  });
  // Messages from the service worker wait in a queue until this (or the document's load).
  container.startMessages();
}
