// The C compiler's layer of the built-in toolchain image, made from npm's
// @yowasp/clang (a dependency, pinned) and never committed: its manifest and
// config, which name the layer by digest, are committed with the rest of
// userland/images/toolchain; the layer's blob is written here, from
// node_modules, into the layout (userland/images/.gitignore leaves it out of
// git). The same package version always gives the same bytes, so the blob
// matches the committed digest or the package is not the one the image was
// built with — an error that says so.
//
// The layer (an uncompressed tar: it is made on every clone, and gzip would
// cost seconds here and at every pull for ~30% of 105 MB):
//   usr/bin/clang           gen/llvm.core.wasm, LLVM's multi-call program; it
//                           acts as the tool its argv[0] names, so
//   usr/bin/{clang++,wasm-ld,llvm-ar,ar,ranlib,nm,objdump,size,readelf,
//           c++filt,addr2line}   are hard links to it (not strip or objcopy:
//                           the module's libc has no fchmod, which they call
//                           on their output, so they fail with ENOSYS)
//   usr/include, usr/lib, usr/share   gen/llvm-resources.tar: clang's resource
//                           directory and the wasm32-wasip1 sysroot (wasi-libc,
//                           libc++, compiler-rt), where this clang looks by
//                           default (its resource dir and sysroot are /usr)
//   usr/share/doc/yowasp-clang/copyright
//   tmp/                    mode 1777: where cc puts its objects (a container
//                           mounts no /tmp: an image brings the directory)
// Every entry is owned by 0:0 and dated 1970-01-01; directories 0755, files
// 0644, the program 0755; names sorted, parents first, the hard links last
// (tarwriter.ts encodes).
//
// Used by scripts/build.js and vite.config.ts (ensureClangLayer: write the
// blob if the layout lacks it) and by userland/ports/image.sh (`node
// scripts/clang-layer.js --compose DIR`: add the layer to a freshly built
// layout — manifest, config, index.json). docs/PORTS.md describes the design.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = '@yowasp/clang';
/** The annotation on the layer's descriptor that says where it comes from. */
export const SOURCE_ANNOTATION = 'org.tabkernel.layer.source';
const MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar';
const PROGRAM = 'usr/bin/clang';
const NAMES = ['clang++', 'wasm-ld', 'llvm-ar', 'ar', 'ranlib', 'nm', 'objdump', 'size', 'readelf', 'c++filt', 'addr2line'];
const DEFAULT_LAYOUT = path.join(root, 'userland/images/toolchain');

/** The package's directory and version. */
function clangPackage() {
  const dir = path.join(root, 'node_modules', PACKAGE);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { dir, version, source: `npm:${PACKAGE}@${version}` };
}

/** kernel/image/tarwriter.ts, compiled for this script. */
function tarWriter() {
  const out = buildSync({
    entryPoints: [path.join(root, 'kernel/image/tarwriter.ts')], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'warning',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(mod, mod.exports);
  return mod.exports.writeTar;
}

/** The members of the package's resource tar: ustar regular files and directories only (what it holds). */
function* readResources(bytes) {
  const field = (h, off, len) => {
    const s = h.subarray(off, off + len);
    const end = s.indexOf(0);
    return Buffer.from(end < 0 ? s : s.subarray(0, end)).toString('utf8');
  };
  for (let off = 0; off + 512 <= bytes.length; ) {
    const h = bytes.subarray(off, off + 512);
    if (h.every((b) => b === 0)) return;
    const type = String.fromCharCode(h[156] || 0x30);
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const p = name.replace(/^\.\//, '').replace(/\/$/, '');
    if (type !== '0' && type !== '5') throw new Error(`${PACKAGE}: llvm-resources.tar: entry ${name} has type ${type}, which this script does not read`);
    if (p.split('/').some((c) => c === '' || c === '.' || c === '..')) throw new Error(`${PACKAGE}: llvm-resources.tar: bad name ${name}`);
    const data = bytes.subarray(off + 512, off + 512 + size);
    yield { path: p, kind: type === '5' ? 'dir' : 'file', data };
    off += 512 + Math.ceil(size / 512) * 512;
  }
}

const COPYRIGHT = (version) => `The C compiler of this image: npm's ${PACKAGE} ${version}
(https://yowasp.org/, https://github.com/YoWASP/clang), LLVM's clang, lld and
binutils-like tools built for WebAssembly (WASI), with the wasm32-wasip1
sysroot it ships.

- LLVM (clang, lld, the llvm tools, libc++, libc++abi, compiler-rt):
  Apache License v2.0 with LLVM Exceptions, https://llvm.org/LICENSE.txt
- wasi-libc (usr/include/wasm32-wasip1, usr/lib/wasm32-wasip1): Apache-2.0
  WITH LLVM-exception, Apache-2.0 or MIT; it contains musl libc (MIT) and
  code under other permissive licences,
  https://github.com/WebAssembly/wasi-libc/blob/main/LICENSE
- the packaging (${PACKAGE}): ISC
`;

/** The layer's entries, in the order tarwriter.ts wants them. */
function entries(pkg) {
  const gen = path.join(pkg.dir, 'gen');
  const out = [];
  const dirs = new Set();
  const addDir = (p) => {
    for (let i = p.indexOf('/'); ; i = p.indexOf('/', i + 1)) {
      const d = i < 0 ? p : p.slice(0, i);
      if (!dirs.has(d)) {
        dirs.add(d);
        out.push({ path: d, kind: 'dir', mode: 0o755 });
      }
      if (i < 0) return;
    }
  };
  const addFile = (p, data, mode) => {
    addDir(path.posix.dirname(p));
    out.push({ path: p, kind: 'file', mode, data });
  };
  for (const e of readResources(fs.readFileSync(path.join(gen, 'llvm-resources.tar')))) {
    if (e.kind === 'dir') addDir(`usr/${e.path}`);
    else addFile(`usr/${e.path}`, e.data, 0o644);
  }
  addFile(PROGRAM, fs.readFileSync(path.join(gen, 'llvm.core.wasm')), 0o755);
  for (const n of NAMES) out.push({ path: `usr/bin/${n}`, kind: 'hardlink', mode: 0o755, linkname: PROGRAM });
  addFile('usr/share/doc/yowasp-clang/copyright', Buffer.from(COPYRIGHT(pkg.version)), 0o644);
  // cc's objects go to /tmp, which an image must bring (a container mounts none).
  out.push({ path: 'tmp', kind: 'dir', mode: 0o1777 });
  const key = (p) => p.split('/');
  out.sort((a, b) => {
    const x = key(a.path), y = key(b.path);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return x.length - y.length;
  });
  // Hard links after everything: a reader must have met their target first.
  const sorted = [...out.filter((e) => e.kind !== 'hardlink'), ...out.filter((e) => e.kind === 'hardlink')];
  return sorted.map((e) => ({ ...e, mtime: 0, uid: 0, gid: 0 }));
}

/** Write the layer to `file`; returns its descriptor. */
export function writeClangLayer(file) {
  const pkg = clangPackage();
  const writeTar = tarWriter();
  const hash = createHash('sha256');
  const tmp = `${file}.tmp${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  let size = 0;
  try {
    for (const block of writeTar(entries(pkg))) {
      hash.update(block);
      fs.writeSync(fd, block);
      size += block.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  const digest = `sha256:${hash.digest('hex')}`;
  fs.renameSync(tmp, file);
  return { mediaType: MEDIA_TYPE, digest, size, annotations: { [SOURCE_ANNOTATION]: pkg.source } };
}

const blobPath = (layout, digest) => path.join(layout, 'blobs/sha256', digest.slice('sha256:'.length));
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The committed manifest's descriptor of the clang layer, or undefined when the layout has none. */
function committedLayer(layout) {
  const index = readJson(path.join(layout, 'index.json'));
  const manifest = readJson(blobPath(layout, index.manifests[0].digest));
  return manifest.layers.find((l) => l.annotations?.[SOURCE_ANNOTATION]?.startsWith(`npm:${PACKAGE}@`));
}

/**
 * Make sure the layout holds the clang layer its manifest names: written from
 * node_modules when missing, and then checked against the digest. Quiet when
 * it is there (a blob's name is its digest; every pull verifies the bytes).
 */
export function ensureClangLayer(layout = DEFAULT_LAYOUT) {
  if (!fs.existsSync(path.join(layout, 'index.json'))) return;
  const want = committedLayer(layout);
  if (!want) return;
  const file = blobPath(layout, want.digest);
  if (fs.existsSync(file) && fs.statSync(file).size === want.size) return;
  const pkg = clangPackage();
  if (want.annotations[SOURCE_ANNOTATION] !== pkg.source) {
    throw new Error(`${path.relative(root, layout)} was built with ${want.annotations[SOURCE_ANNOTATION]}, node_modules has ${pkg.source}: run npm ci, or rebuild the image (userland/ports/image.sh)`);
  }
  const tmp = `${file}.layer`;
  const got = writeClangLayer(tmp);
  if (got.digest !== want.digest || got.size !== want.size) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`${pkg.source} gave the layer ${got.digest} (${got.size} bytes), the committed manifest wants ${want.digest} (${want.size}): not reproducible here?`);
  }
  fs.renameSync(tmp, file);
}

/** Write JSON as image build does (no spaces) into the layout's blobs; returns its descriptor. */
function putJson(layout, mediaType, value) {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  fs.writeFileSync(blobPath(layout, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

/**
 * Add the clang layer on top of the image in `layout` (one manifest, as
 * image build writes it): the blob, its descriptor in the manifest, its
 * diff_id and a history entry in the config, the new manifest in index.json;
 * the old manifest and config blobs go. For the committed layout, writes
 * userland/images/.gitignore, which keeps the layer out of git.
 */
export function composeClangLayer(layout) {
  const indexFile = path.join(layout, 'index.json');
  const index = readJson(indexFile);
  const mdesc = index.manifests[0];
  const manifest = readJson(blobPath(layout, mdesc.digest));
  if (manifest.layers.some((l) => l.annotations?.[SOURCE_ANNOTATION])) throw new Error('the layout has a clang layer already');
  const config = readJson(blobPath(layout, manifest.config.digest));
  const tmp = path.join(layout, 'blobs/sha256/clang.layer');
  const layer = writeClangLayer(tmp);
  fs.renameSync(tmp, blobPath(layout, layer.digest));
  fs.rmSync(blobPath(layout, manifest.config.digest));
  fs.rmSync(blobPath(layout, mdesc.digest));
  config.rootfs.diff_ids.push(layer.digest);   // uncompressed: the diff_id is the digest
  // After the layers, ahead of the Dockerfile's ENV, LABEL and CMD (empty layers).
  const at = config.history.findIndex((h, i) => i > 0 && h.empty_layer && config.history.slice(i).every((x) => x.empty_layer));
  const entry = { created: '1970-01-01T00:00:00Z', created_by: `${layer.annotations[SOURCE_ANNOTATION]} (scripts/clang-layer.js)`, comment: 'the C compiler, from node_modules' };
  config.history.splice(at < 0 ? config.history.length : at, 0, entry);
  manifest.config = putJson(layout, manifest.config.mediaType, config);
  manifest.layers.push(layer);
  const m = putJson(layout, manifest.mediaType, manifest);
  index.manifests[0] = { ...mdesc, digest: m.digest, size: m.size };
  fs.writeFileSync(indexFile, JSON.stringify(index));
  if (layout !== DEFAULT_LAYOUT) return layer;
  const rel = path.relative(path.join(root, 'userland/images'), blobPath(layout, layer.digest)).split(path.sep).join('/');
  fs.writeFileSync(path.join(root, 'userland/images/.gitignore'),
    `# The toolchain image's C compiler layer: written from node_modules/${PACKAGE} by scripts/clang-layer.js.\n/${rel}\n`);
  return layer;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [mode, dir] = process.argv.slice(2);
  if (mode === '--compose' && dir) {
    const l = composeClangLayer(path.resolve(dir));
    console.log(`clang-layer: ${l.digest} (${l.size} bytes) from ${l.annotations[SOURCE_ANNOTATION]}`);
  } else if (mode === undefined) {
    ensureClangLayer();
  } else {
    console.error('usage: node scripts/clang-layer.js [--compose LAYOUT]');
    process.exit(2);
  }
}
