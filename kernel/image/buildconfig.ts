// The image a build stage makes, as it grows: its layers (the base image's,
// then one per COPY, ADD and RUN), their diff_ids, the container config the
// instructions set (ENV, LABEL, WORKDIR, USER, EXPOSE, CMD and ENTRYPOINT:
// configInstruction) and the history; and at the end its config and manifest as JSON
// written the same way every time — keys in a fixed order, maps sorted,
// `created` from SOURCE_DATE_EPOCH — so that the same build gives the same
// digests.
// Spec: OCI image-spec config.md (properties, history, rootfs), manifest.md.
import { DEFAULT_PATH } from '../abi/messages.js';
import type { Instruction } from './dockerfile.js';
import { cleanPath } from '../lib/pathname.js';
import { BUILT } from './layerblob.js';
import type { Descriptor, ImageConfig } from './media.js';
import type { ImageDescription } from './pull.js';

export interface History {
  created: string;
  created_by: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The "config" object of an image config: what a container of it runs. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  [other: string]: unknown;
}

export interface StageImage {
  /** The manifest's layer descriptors, bottom first. */
  layers: Descriptor[];
  diffIds: string[];
  config: ContainerConfig;
  history: History[];
}

/** The comment BuildKit gives the history entries of a Dockerfile's instructions. */
const COMMENT = 'buildkit.dockerfile.v0';

/** FROM scratch: nothing, and a PATH (as BuildKit gives one; tabkernel's default). */
export function scratchImage(): StageImage {
  return { layers: [], diffIds: [], config: { Env: [`PATH=${DEFAULT_PATH}`] }, history: [] };
}

/** FROM IMAGE: its layers, config and history, to build on. */
export function baseImage(img: ImageDescription): StageImage {
  const c = img.config;
  const diffIds = c.rootfs?.diff_ids ?? [];
  if (diffIds.length !== img.layers.length) {
    throw new Error(`${img.reference}: its config lists ${diffIds.length} diff_ids for ${img.layers.length} layers`);
  }
  const config = structuredCopy((c.config ?? {}) as ContainerConfig);
  if (!config.Env?.some((e) => e.startsWith('PATH='))) config.Env = [...(config.Env ?? []), `PATH=${DEFAULT_PATH}`];
  return {
    layers: img.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    diffIds: [...diffIds],
    config,
    history: Array.isArray(c.history) ? structuredCopy(c.history as History[]) : [],
  };
}

/** Another stage's image, to build on (FROM STAGE). */
export function copyImage(s: StageImage): StageImage {
  return structuredCopy(s);
}

/** Record an instruction in the history: with a layer (the last one added), or as an empty layer. */
export function addHistory(s: StageImage, epoch: number, createdBy: string, layer: boolean): void {
  const h: History = { created: timestamp(epoch), created_by: createdBy, comment: COMMENT };
  if (!layer) h.empty_layer = true;
  s.history.push(h);
}

/** The Env value of `name`, or undefined. */
export function envValue(c: ContainerConfig, name: string): string | undefined {
  const e = c.Env?.find((v) => v.slice(0, v.indexOf('=')) === name);
  return e === undefined ? undefined : e.slice(e.indexOf('=') + 1);
}

/** Set `name` in Env (in its place if there, else at the end). */
export function setEnv(c: ContainerConfig, name: string, value: string): void {
  const env = c.Env ?? [];
  const i = env.findIndex((v) => v.slice(0, v.indexOf('=')) === name);
  if (i >= 0) env[i] = `${name}=${value}`;
  else env.push(`${name}=${value}`);
  c.Env = env;
}

/** The instructions that change only the config (and the history). */
export type ConfigInstruction = Extract<Instruction, { kind: 'ENV' | 'LABEL' | 'WORKDIR' | 'USER' | 'EXPOSE' | 'CMD' | 'ENTRYPOINT' }>;

/**
 * Apply `ins` to the stage's config, its words substituted by `sub` (ENV's
 * and LABEL's pairs all with the values from before the instruction), and
 * record it in the history as an empty layer. `cmdSet`: whether the stage set
 * CMD itself (an ENTRYPOINT clears a base image's CMD, not the stage's);
 * returns it as it is after `ins`. `fail` makes the error for a bad value.
 */
export function configInstruction(
  s: StageImage, ins: ConfigInstruction, sub: (word: string) => string, fail: (why: string) => Error, epoch: number, cmdSet: boolean,
): boolean {
  const c = s.config;
  let text: string;
  switch (ins.kind) {
    case 'ENV': case 'LABEL': {
      const pairs = ins.pairs.map(([k, v]) => [sub(k), sub(v)]);
      for (const [k, v] of pairs) {
        if (ins.kind === 'ENV') setEnv(c, k, v);
        else c.Labels = { ...(c.Labels ?? {}), [k]: v };
      }
      text = pairs.map(([k, v]) => `${k}=${v}`).join(' ');
      break;
    }
    case 'WORKDIR': {
      const dir = sub(ins.value);
      c.WorkingDir = '/' + cleanPath(dir.startsWith('/') ? dir : `${c.WorkingDir || '/'}/${dir}`);
      text = c.WorkingDir;
      break;
    }
    case 'USER':
      text = c.User = sub(ins.value);
      break;
    case 'EXPOSE': {
      const ports = ins.ports.flatMap((p) => exposed(sub(p), fail));
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) c.ExposedPorts[p] = {};
      text = ports.join(' ');
      break;
    }
    default: { // CMD, ENTRYPOINT
      const argv = 'exec' in ins.command ? ins.command.exec : ['/bin/sh', '-c', ins.command.shell];
      if (ins.kind === 'CMD') {
        c.Cmd = argv;
        cmdSet = true;
      } else {
        c.Entrypoint = argv;
        if (!cmdSet) c.Cmd = null; // a base image's CMD does not outlive a new ENTRYPOINT
      }
      text = JSON.stringify(argv);
    }
  }
  addHistory(s, epoch, `${ins.kind} ${text}`, false);
  return cmdSet;
}

/** EXPOSE's ports as the config keys them: `80/tcp`; a range is every port in it. */
function exposed(word: string, fail: (why: string) => Error): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
  if (!m) throw fail(`${JSON.stringify(word)} is not PORT[/tcp|udp|sctp] or a range`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi > 65535 || hi < lo) throw fail(`${JSON.stringify(word)}: ports are 1 to 65535`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  return out;
}

/** RFC 3339 in UTC, whole seconds, as Go writes it. */
export function timestamp(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The image config's bytes. */
export function configJson(s: StageImage, epoch: number): Uint8Array {
  const c = s.config;
  const ordered: ContainerConfig = {};
  if (c.User !== undefined && c.User !== '') ordered.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length > 0) ordered.ExposedPorts = sortedKeys(c.ExposedPorts);
  if (c.Env && c.Env.length > 0) ordered.Env = c.Env;
  if (c.Entrypoint && c.Entrypoint.length > 0) ordered.Entrypoint = c.Entrypoint;
  if (c.Cmd && c.Cmd.length > 0) ordered.Cmd = c.Cmd;
  if (c.WorkingDir) ordered.WorkingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length > 0) ordered.Labels = sortedKeys(c.Labels);
  // What a base image's config holds beyond these (StopSignal, Volumes…) is kept, after them.
  for (const [k, v] of Object.entries(c)) if (!(k in ordered) && !KNOWN.includes(k) && v !== undefined && v !== null) ordered[k] = v;
  const config: ImageConfig = {
    created: timestamp(epoch),
    architecture: 'wasm',
    os: 'wasi',
    config: ordered,
    rootfs: { type: 'layers', diff_ids: s.diffIds },
    history: s.history,
  };
  return new TextEncoder().encode(JSON.stringify(config));
}

const KNOWN = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'WorkingDir', 'Labels'];

/** The manifest's bytes, for a config descriptor and the stage's layers. */
export function manifestJson(config: Descriptor, layers: readonly Descriptor[]): Uint8Array {
  const m = {
    schemaVersion: 2,
    mediaType: BUILT.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return new TextEncoder().encode(JSON.stringify(m));
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

function structuredCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
