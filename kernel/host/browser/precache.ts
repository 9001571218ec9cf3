// The service worker's precache (sw/offline.ts), read by the kernel worker
// itself. The root image's manifest and pack are the largest part of a warm
// boot's reads; a request for them goes page → service worker → its cache →
// back, and the 3 MB pack is streamed through the service worker's thread,
// which measured ~3× slower than a Cache Storage read in the kernel worker
// (docs/BENCHMARKS.md, boot.prompt). The precache holds one build's files, all
// from the same build, so reading the manifest and the pack from it is as
// consistent as the page the service worker served: the same version. A page
// without a service worker, or the dev server (which precaches nothing), reads
// through fetch as before.
// Spec: Service Workers (W3C), "CacheStorage" (exposed to workers too).

/** Names of the service worker's precaches: this prefix and the build's version. */
export const PRECACHE_PREFIX = 'tabkernel-precache-';

/** `url` from a precache of the service worker, if one holds it (the newest version first). */
export async function precached(url: string): Promise<Response | undefined> {
  // No CacheStorage: an insecure context, or a browser without it in workers.
  if (typeof caches === 'undefined') return undefined;
  try {
    const names = (await caches.keys()).filter((n) => n.startsWith(PRECACHE_PREFIX)).reverse();
    for (const name of names) {
      const hit = await (await caches.open(name)).match(url);
      if (hit) return hit;
    }
  } catch {
    // Storage refused (a private window may have none): the network it is.
  }
  return undefined;
}
