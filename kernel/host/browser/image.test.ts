// The page's root image, fetched from a scripted server: files at URLs of
// their own (the dev server) and files packed into one resource (a build).
import { describe, expect, it } from 'vitest';
import { readLayerFile, type LayerDir, type LayerFile, type LayerTree } from '../../fs/layer.js';
import { fetchRootImage, type Manifest } from './image.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A fetch serving `files` by path (anything else 404), counting the requests per path. */
function server(files: Record<string, Uint8Array | string>): { fetch: typeof fetch; asked: Map<string, number> } {
  const asked = new Map<string, number>();
  const fetchFn = (async (input: string | URL) => {
    const path = new URL(String(input)).pathname;
    asked.set(path, (asked.get(path) ?? 0) + 1);
    if (!(path in files)) return new Response('no', { status: 404 });
    const body = files[path];
    return new Response(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), { status: 200 });
  }) as typeof fetch;
  return { fetch: fetchFn, asked };
}

function file(tree: LayerTree, path: string): string {
  let node: LayerDir | LayerFile = tree.root;
  for (const name of path.split('/')) node = (node as LayerDir).entries.get(name) as LayerDir | LayerFile;
  expect(node?.kind).toBe('file');
  return new TextDecoder().decode(readLayerFile(node as LayerFile, 0, 1 << 20));
}

describe('the root image', () => {
  it('fetches each file listed at a URL of its own', async () => {
    const manifest: Manifest = {
      version: 1,
      entries: [
        { path: 'bin', type: 'dir' },
        { path: 'bin/sh', type: 'file', size: 5, url: 'rootfs/bin/sh' },
        { path: 'etc/motd', type: 'file', size: 3, url: 'rootfs/etc/motd', mode: 0o600 },
      ],
    };
    const s = server({ '/app/rootfs.json': JSON.stringify(manifest), '/app/rootfs/bin/sh': 'shell', '/app/rootfs/etc/motd': 'hi\n' });
    // A cache that holds nothing changes nothing.
    const tree = await fetchRootImage('http://x/app/rootfs.json', null, () => {}, { fetch: s.fetch, cached: async () => undefined });
    expect(file(tree, 'bin/sh')).toBe('shell');
    expect(file(tree, 'etc/motd')).toBe('hi\n');
    const sh = (tree.root.entries.get('bin') as LayerDir).entries.get('sh') as LayerFile;
    expect(sh.mode).toBe(0o755);
  });

  it('fetches a pack once and cuts every file at its offset out of it', async () => {
    const manifest: Manifest = {
      version: 1,
      entries: [
        { path: 'bin/cat', type: 'file', size: 3, url: 'rootfs/p', offset: 0 },
        { path: 'bin/echo', type: 'file', size: 4, url: 'rootfs/p', offset: 3 },
        // Two paths with the same bytes share them in the pack.
        { path: 'bin/true', type: 'file', size: 4, url: 'rootfs/p', offset: 3 },
        { path: 'etc/empty', type: 'file', size: 0, url: 'rootfs/p', offset: 7 },
      ],
    };
    const s = server({ '/rootfs.json': JSON.stringify(manifest), '/rootfs/p': text('CATECHO') });
    const seen: number[] = [];
    const tree = await fetchRootImage('http://x/rootfs.json', null, (p) => seen.push(p.files), { fetch: s.fetch });
    expect(file(tree, 'bin/cat')).toBe('CAT');
    expect(file(tree, 'bin/echo')).toBe('ECHO');
    expect(file(tree, 'bin/true')).toBe('ECHO');
    expect(file(tree, 'etc/empty')).toBe('');
    expect(s.asked.get('/rootfs/p')).toBe(1);
    expect(seen.at(-1)).toBe(4);
  });

  it('reads what the cache holds instead of fetching it', async () => {
    const manifest: Manifest = { version: 1, entries: [{ path: 'bin/cat', type: 'file', size: 3, url: 'p', offset: 1 }] };
    const s = server({ '/rootfs.json': 'not this one', '/p': text('-NET') });
    const held: Record<string, string> = { 'http://x/rootfs.json': JSON.stringify(manifest), 'http://x/p': '-CAT' };
    const cached = async (url: string): Promise<Response | undefined> => (url in held ? new Response(held[url]) : undefined);
    const tree = await fetchRootImage('http://x/rootfs.json', null, () => {}, { fetch: s.fetch, cached });
    expect(file(tree, 'bin/cat')).toBe('CAT');
    expect(s.asked.size).toBe(0);
  });

  it('fails naming the file when the pack is shorter than the manifest says', async () => {
    const manifest: Manifest = { version: 1, entries: [{ path: 'bin/ls', type: 'file', size: 10, url: 'p', offset: 2 }] };
    const s = server({ '/rootfs.json': JSON.stringify(manifest), '/p': text('short') });
    await expect(fetchRootImage('http://x/rootfs.json', null, () => {}, { fetch: s.fetch }))
      .rejects.toThrow('root image: bin/ls: http://x/p has 5 bytes, not the 10 at offset 2 the manifest lists');
  });

  it('fails naming the URL a file could not be fetched from', async () => {
    const manifest: Manifest = { version: 1, entries: [{ path: 'bin/ls', type: 'file', size: 1, url: 'gone' }] };
    const s = server({ '/rootfs.json': JSON.stringify(manifest) });
    await expect(fetchRootImage('http://x/rootfs.json', null, () => {}, { fetch: s.fetch })).rejects.toThrow('fetching http://x/gone: HTTP 404');
  });
});
