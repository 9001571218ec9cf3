// The CLI's images: `tabkernel image pull|push|ls|rm|inspect|sign|policy`,
// and what `tabkernel run REF` needs before the kernel starts — the image
// pulled if the store lacks it (progress on stderr: a bar per layer on a
// terminal, a line per layer otherwise) and admitted by the policy
// (policy.ts), then the container's command from its config. A push shows its
// blobs the same way (image/push.ts does the work). What the progress,
// `image ls` and `image inspect` look like is image/progress.ts's and
// image/listing.ts's, which the shell's /bin/image shows too. `image sign`
// writes a cosign signature (image/sign.ts) with a key file (image/keys.ts;
// the passphrase of a cosign key from passphrase.ts).
// The store is the cache directory (blobstore.ts); the registry client finds
// credentials in the user's auth files (credentials.ts).
import fs from 'node:fs';
import type { ImageRun } from '../../abi/messages.js';
import { containerCommand, type ContainerCommand } from '../../image/config.js';
import { renderImage, renderImageList } from '../../image/listing.js';
import { ProgressText, PullMeter } from '../../image/progress.js';
import type { ImageDescription, LayerProgress } from '../../image/pull.js';
import { importPrivateKey } from '../../image/keys.js';
import type { PushResult } from '../../image/push.js';
import { BUILTIN_REGISTRY } from '../../image/builtin.js';
import { formatReference, parseReference } from '../../image/reference.js';
import { runConfigOf } from '../../image/rootfs.js';
import { ImageService } from '../../image/service.js';
import { signImage } from '../../image/sign.js';
import type { Policy } from '../../policy/policy.js';
import { DirBlobStore, defaultCacheDir } from './blobstore.js';
import { buildMain } from './build.js';
import { FileBuildCache } from './buildcache.js';
import { nodeInflate } from './inflate.js';
import { cosignPassphrase } from './passphrase.js';
import { loadPolicy } from './policy.js';
import { nodeRegistry, nodeSha256 } from './registry.js';

export const IMAGE_USAGE = `usage: tabkernel image pull [--insecure HOST]... REF
       tabkernel image push [--insecure] SRC [DEST]
       tabkernel image ls
       tabkernel image rm REF...
       tabkernel image inspect REF
       tabkernel image sign --key KEY [--insecure HOST]... REF
       tabkernel image policy
       tabkernel image build [--insecure HOST]... [-t REF] [-f DOCKERFILE] [--build-arg NAME[=VALUE]]...
                             [--target STAGE] [--output oci:DIR] [--no-cache] CONTEXT
  REF: [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST] (Docker's grammar; no host: docker.io)
  images are kept in $TABKERNEL_CACHE (default $XDG_CACHE_HOME/tabkernel or ~/.cache/tabkernel),
  the build cache's index beside them (build-cache.json); SOURCE_DATE_EPOCH (default 0) dates builds
  sign: a cosign signature of REF's manifest in its registry, made with KEY (PKCS#8 or SEC1 PEM,
        or a cosign key: its passphrase from COSIGN_PASSWORD or asked on the terminal)
  policy: the policy images are pulled and run under ($TABKERNEL_POLICY, ~/.config/containers/policy.json,
        /etc/containers/policy.json; tabkernel-capabilities.json beside it; docs/POLICY.md)
  push: SRC is an image of the store (as image ls names it); DEST defaults to SRC;
        --insecure: plain HTTP to DEST's registry (loopback registries always get it)
`;

/** The policy in force, read once per CLI run (an invalid file is an error at first use). */
let policy: Policy | undefined;
export function nodePolicy(): Policy {
  return (policy ??= loadPolicy());
}

/** The images of this user: the cache directory's store, the registries their auth files open, the policy in force. */
export function nodeImageService(insecure: readonly string[] = [], dir = defaultCacheDir()): ImageService {
  return new ImageService(() => DirBlobStore.open(dir), nodeRegistry({ insecure }), nodeSha256, nodeInflate, async () => nodePolicy(), () => FileBuildCache.open(dir));
}

function say(line: string): void {
  fs.writeSync(2, line.endsWith('\n') ? line : line + '\n');
}

/** Layer progress on stderr: a bar per layer (or blob), redrawn in place, on a terminal; a line per layer otherwise. */
function progressPrinter(noun: 'layer' | 'blob' = 'layer'): { layer: (p: LayerProgress) => void; finish: () => void } {
  const meter = new PullMeter(() => performance.now());
  const text = new ProgressText(process.stderr.isTTY === true, noun);
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
  /** image sign: the private key file. */
  key?: string;
  /** push --insecure: plain HTTP to the destination's registry. */
  insecureDest?: boolean;
}

/** The image `ref`, pulled first unless the store holds it whole and the policy lets it run from there. */
export async function imageForRun(ref: string, flags: PullFlags): Promise<ImageDescription> {
  const images = nodeImageService(flags.insecure);
  // A built-in image is resolved anew each time (its layout is local): what
  // the checkout ships is what runs; layers the store holds are not read again.
  const parsed = parseReference(ref);
  if (!(parsed instanceof Error) && parsed.registry === BUILTIN_REGISTRY) return images.fetch(ref, undefined, true);
  const cached = await images.stored(ref);
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
    if (sub === 'push' && a === '--insecure') flags.insecureDest = true;
    else if (a === '--insecure' && i + 1 < rest.length) flags.insecure.push(rest[++i]);
    else if (a.startsWith('--insecure=')) flags.insecure.push(a.slice('--insecure='.length));
    else if (a === '--key' && i + 1 < rest.length) flags.key = rest[++i];
    else if (a.startsWith('--key=')) flags.key = a.slice('--key='.length);
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
      case 'push': {
        if (refs.length < 1 || refs.length > 2) return usage('image push wants SRC and at most one DEST');
        return await pushShowing(refs[0], refs[1], flags);
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
      case 'sign': {
        if (refs.length !== 1 || flags.key === undefined) return usage('image sign wants --key KEY and one REF');
        return await sign(refs[0], flags.key, flags.insecure);
      }
      case 'policy': {
        if (refs.length !== 0) return usage('image policy takes no REF');
        fs.writeSync(1, `${nodePolicy().summary()}\n`);
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

/** `image sign --key KEY REF`: sign REF's manifest in its registry, and say where the signature went. */
async function sign(refText: string, keyFile: string, insecure: string[]): Promise<number> {
  const ref = parseReference(refText);
  if (ref instanceof Error) throw ref;
  let text: string;
  try {
    text = fs.readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new Error(`--key ${keyFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
  }
  const key = await importPrivateKey(text, () => cosignPassphrase(), keyFile);
  const signed = await signImage(ref, { registry: nodeRegistry({ insecure }), sha256: nodeSha256, key });
  const n = signed.count === 1 ? '1 signature' : `${signed.count} signatures`;
  fs.writeSync(1, `${formatReference(ref)}: signed ${signed.digest}\n${signed.signatureReference}: ${signed.signatureManifestDigest} (${n})\n`);
  return 0;
}

/** `image push SRC [DEST]` with its progress on stderr; the exit status. */
async function pushShowing(src: string, dest: string | undefined, flags: PullFlags): Promise<number> {
  const to = parseReference(dest ?? src);
  if (to instanceof Error) throw to;
  const images = nodeImageService(flags.insecureDest ? [...flags.insecure, to.registry] : flags.insecure);
  say(`pushing ${formatReferenceText(src)}${dest === undefined ? '' : ` to ${formatReference(to)}`}`);
  const progress = progressPrinter('blob');
  let pushed: PushResult;
  try {
    pushed = await images.push(src, dest, progress.layer);
  } finally {
    progress.finish();
  }
  const count = (o: string): number => pushed.blobs.filter((b) => b.outcome === o).length;
  say(`${pushed.reference}: ${pushed.digest} (${pushed.size} bytes; blobs: ${count('pushed')} pushed, ${count('mounted')} mounted, ${count('exists')} already there)`);
  return 0;
}

function usage(why: string): number {
  fs.writeSync(2, `${why ? `tabkernel: ${why}\n` : ''}${IMAGE_USAGE}`);
  return 2;
}
