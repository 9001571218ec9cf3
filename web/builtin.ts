// The page's list of built-in images (the links at the top right, index.html
// #images): the names the dev server or the build lists in BUILTIN_LIST
// (vite.config.ts), each summed up from its layout's index.json and manifest
// (image/builtin.ts describeLayout), so a new layout under userland/images is
// offered with no code change. `root` comes first: it is the page without
// ?image=, the root image, not a layout. A layout that cannot be read is
// left out, with its reason on the console.
import { BUILTIN_LIST, describeLayout, type BuiltinList, type BuiltinSummary } from '../kernel/image/builtin.js';
import { mb } from '../kernel/image/progress.js';
import { pageLayoutReader } from '../kernel/host/browser/registry.js';

/** The built-in layouts at `images` (their URL, ending in `/`), as `list` (BUILTIN_LIST's URL) names them. */
export async function builtinImages(list: string, images: string): Promise<BuiltinSummary[]> {
  const r = await fetch(list, { cache: 'no-cache' });
  if (!r.ok) throw new Error(`${list}: HTTP ${r.status}`);
  const { images: names } = (await r.json()) as BuiltinList;
  const read = pageLayoutReader(images);
  const found = await Promise.all(names.map((name) => describeLayout(read, name).catch((e: unknown) => e as Error)));
  for (const e of found) if (e instanceof Error) console.warn(`tabkernel: built-in image: ${e.message}`);
  return found.filter((s): s is BuiltinSummary => !(s instanceof Error));
}

/** Fill `nav` with a link per built-in image (`?image=NAME`, its size beside it), after root's. */
export async function showBuiltinImages(nav: HTMLElement, base: string): Promise<void> {
  const at = (rel: string): string => new URL(`${base}${rel}`, location.href).href;
  const found = await builtinImages(at(BUILTIN_LIST), at('images/'));
  const link = (text: string, href: string, title: string): HTMLAnchorElement =>
    Object.assign(document.createElement('a'), { textContent: text, href, title });
  const items: Node[] = [link('root', '?', 'the root image (userland/rootfs)')];
  for (const img of found) {
    items.push(document.createTextNode(' · '), link(img.name, `?image=${encodeURIComponent(img.name)}`, `builtin/${img.name} ${img.digest}`));
    items.push(Object.assign(document.createElement('span'), { className: 'size', textContent: ` ${mb(img.size)} MB` }));
  }
  nav.replaceChildren(document.createTextNode('images: '), ...items);
  nav.dataset.images = found.map((i) => i.name).join(' ');
}
