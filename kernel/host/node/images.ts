// The CLI's images: `tabkernel image pull|ls|rm|inspect`, and what `tabkernel
// run REF` needs before the kernel starts — the image pulled if the store
// lacks it (progress on stderr: a bar per layer on a terminal, a line per
// layer otherwise), then the container's command from its config. What the
// progress, `image ls` and `image inspect` look like is image/progress.ts's
// and image/listing.ts's, which the shell's /bin/image shows too.
// The store is the cache directory (blobstore.ts); the registry client finds
// credentials in the user's auth files (credentials.ts).
import fs from 'node:fs';
import type { ImageRun } from '../../abi/messages.js';
import { containerCommand, type ContainerCommand } from '../../image/config.js';
import { renderImage, renderImageList } from '../../image/listing.js';
import { ProgressText, PullMeter } from '../../image/progress.js';
import type { ImageDescription, LayerProgress } from '../../image/pull.js';
import { formatReference, parseReference } from '../../image/reference.js';
import { runConfigOf } from '../../image/rootfs.js';
import { ImageService } from '../../image/service.js';
import { DirBlobStore, defaultCacheDir } from './blobstore.js';
import { buildMain } from './build.js';
import { FileBuildCache } from './buildcache.js';
import { nodeInflate } from './inflate.js';
import { nodeRegistry, nodeSha256 } from './registry.js';

export const IMAGE_USAGE = `usage: tabkernel image pull [--insecure HOST]... REF
       tabkernel image ls
       tabkernel image rm REF...
       tabkernel image inspect REF
       tabkernel image build [--insecure HOST]... [-t REF] [-f DOCKERFILE] [--build-arg NAME[=VALUE]]...
                             [--target STAGE] [--output oci:DIR] [--no-cache] CONTEXT
  REF: [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST] (Docker's grammar; no host: docker.io)
  images are kept in $TABKERNEL_CACHE (default $XDG_CACHE_HOME/tabkernel or ~/.cache/tabkernel),
  the build cache's index beside them (build-cache.json); SOURCE_DATE_EPOCH (default 0) dates builds
`;

/** The images of this user: the cache directory's store, the registries their auth files open. */
export function nodeImageService(insecure: readonly string[] = [], dir = defaultCacheDir()): ImageService {
  return new ImageService(() => DirBlobStore.open(dir), nodeRegistry({ insecure }), nodeSha256, nodeInflate, () => FileBuildCache.open(dir));
}

function say(line: string): void {
  fs.writeSync(2, line.endsWith('\n') ? line : line + '\n');
}

/** Layer progress on stderr: a bar per layer, redrawn in place, on a terminal; a line per layer otherwise. */
function progressPrinter(): { layer: (p: LayerProgress) => void; finish: () => void } {
  const meter = new PullMeter(() => performance.now());
  const text = new ProgressText(process.stderr.isTTY === true);
  const write = (s: string): void => void (s && fs.writeSync(2, s));
  return {
    layer: (p) => {
      const u = meter.update(p);
      if (u) write(text.text(u));
    },
    finish: () => write(text.finish()),
  };
}

/** `ref` fetched (`always`: pulled) with its progress on stderr. */
async function fetchShowing(images: ImageService, ref: string, always: boolean): Promise<ImageDescription> {
  const progress = progressPrinter();
  try {
    return await images.fetch(ref, progress.layer, always);
  } finally {
    progress.finish();
  }
}

interface PullFlags {
  insecure: string[];
}

/** The image `ref`, pulled first unless the store holds it whole. */
export async function imageForRun(ref: string, flags: PullFlags): Promise<ImageDescription> {
  const images = nodeImageService(flags.insecure);
  const cached = await images.inspect(ref);
  if (cached) return cached;
  say(`pulling ${formatReferenceText(ref)}`);
  return fetchShowing(images, ref, false);
}

/** What the kernel runs for `tabkernel run REF`: the image's layers and the container's command. */
export function containerRun(image: ImageDescription, o: { entrypoint?: string; args: string[]; env: string[] }): { image: ImageRun; command: ContainerCommand } | Error {
  const command = containerCommand(runConfigOf(image), { entrypoint: o.entrypoint, args: o.args, env: o.env, callerEnv: process.env });
  if (command instanceof Error) return new Error(`${image.reference}: ${command.message}`);
  return { image: { reference: image.reference, layers: image.layers, store: defaultCacheDir() }, command };
}

function formatReferenceText(ref: string): string {
  const r = parseReference(ref);
  return r instanceof Error ? ref : formatReference(r);
}

/** `tabkernel image …`; resolves to the exit status. */
export async function imageMain(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'build') {
    // --insecure is the CLI's (for a FROM pulled over plain HTTP); the rest is the build's.
    const insecure: string[] = [];
    const buildArgv: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--insecure' && i + 1 < rest.length) insecure.push(rest[++i]);
      else if (rest[i].startsWith('--insecure=')) insecure.push(rest[i].slice('--insecure='.length));
      else buildArgv.push(rest[i]);
    }
    return buildMain(buildArgv, insecure);
  }
  const flags: PullFlags = { insecure: [] };
  const refs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--insecure' && i + 1 < rest.length) flags.insecure.push(rest[++i]);
    else if (a.startsWith('--insecure=')) flags.insecure.push(a.slice('--insecure='.length));
    else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else refs.push(a);
  }
  const images = nodeImageService(flags.insecure);
  try {
    switch (sub) {
      case 'pull': {
        if (refs.length !== 1) return usage('image pull wants one REF');
        say(`pulling ${formatReferenceText(refs[0])}`);
        const img = await fetchShowing(images, refs[0], true);
        say(`${img.reference}: ${img.manifestDigest}`);
        return 0;
      }
      case 'ls': {
        if (refs.length !== 0) return usage('image ls takes no REF');
        fs.writeSync(1, renderImageList(await images.list()));
        return 0;
      }
      case 'rm': {
        if (refs.length === 0) return usage('image rm wants a REF');
        let status = 0;
        for (const ref of refs) {
          const name = formatReferenceText(ref);
          try {
            const deleted = await images.remove(name);
            fs.writeSync(1, `Untagged: ${name}\n${deleted.map((d) => `Deleted: ${d}\n`).join('')}`);
          } catch (e) {
            say(`tabkernel: ${(e as Error).message}`);
            status = 1;
          }
        }
        return status;
      }
      case 'inspect': {
        if (refs.length !== 1) return usage('image inspect wants one REF');
        const img = await images.inspect(refs[0]);
        if (!img) {
          say(`tabkernel: no image ${formatReferenceText(refs[0])} in the store (tabkernel image pull it first)`);
          return 1;
        }
        fs.writeSync(1, renderImage(img));
        return 0;
      }
      default:
        return usage(sub === undefined ? '' : `unknown image command ${sub}`);
    }
  } catch (e) {
    say(`tabkernel: ${(e as Error).message}`);
    return 1;
  }
}

function usage(why: string): number {
  fs.writeSync(2, `${why ? `tabkernel: ${why}\n` : ''}${IMAGE_USAGE}`);
  return 2;
}
