// Building an image from a Dockerfile, inside tabkernel: the engine the CLI's
// `tabkernel image build` and the shell's `image build` both drive (they only
// read arguments and say where the context is: buildargs.ts).
//
// A stage starts from its FROM — scratch, an earlier stage, or an image (from
// the store, pulled if it lacks it) — and each COPY, ADD and RUN makes one
// layer: the step runs in a fresh overlay of the stage's layers so far (its
// upper empty), and the layer is that upper (layerdiff.ts, layerblob.ts). RUN
// runs its command as a process of tabkernel in a container of that overlay
// (StepRunner: kernel/buildrun.ts); COPY and ADD copy through the overlay
// (buildcopy.ts). Each layer goes into the image store, and into the build
// cache under its step's key (buildcache.ts): a step met again takes its
// layer from there and runs nothing. ENV, ARG, WORKDIR, USER, LABEL, EXPOSE,
// CMD and ENTRYPOINT change the stage's config (buildconfig.ts). Variables are
// substituted (substitute.ts) where Docker substitutes: ARGs before the first
// FROM in FROM lines, a stage's ARGs and ENVs in its instructions, ENV over
// ARG. Only the target stage (the last, or --target) and the stages it uses
// are built. The result — config and manifest written reproducibly — is
// tagged in the store, or written as an OCI layout (ocilayout.ts).
// Progress is BuildKit's plain output (buildlog.ts).
// Not done: RUN --mount/--network, SHELL, HEALTHCHECK, ONBUILD, VOLUME,
// STOPSIGNAL, here-documents, ADD of URLs; USER is recorded, but every
// process runs as root.
// Spec: the Dockerfile reference; OCI image-spec.
import { errnoLabel, isErr } from '../abi/errno.js';
import type { MountNamespace } from '../fs/namespace.js';
import { DirInode } from '../fs/inode.js';
import { MemDir, type MemFs } from '../fs/memfs.js';
import type { Overlay } from '../fs/overlay.js';
import type { HostStream } from '../hostapi.js';
import { chainId, stepKey } from './buildcache.js';
import { applyCopy, CopyError, hashItems, planCopy, type CopySource } from './buildcopy.js';
import { addHistory, baseImage, configInstruction, copyImage, envValue, scratchImage, type StageImage } from './buildconfig.js';
import { canonicalTag, exportImage } from './buildexport.js';
import { BuildError } from './builderror.js';
import { BuildProgress, type BuildOutput, type Vertex } from './buildlog.js';
import { chownOf } from './buildowner.js';
import { Stages, type Stage } from './buildstages.js';
import type { ContainerCommand } from './config.js';
import type { Containers } from './containers.js';
import { DockerIgnore } from './dockerignore.js';
import { cleanPath } from '../lib/pathname.js';
import { DockerfileError, parseDockerfile, type Instruction } from './dockerfile.js';
import { layerBlob } from './layerblob.js';
import { layerEntries, type Owner } from './layerdiff.js';
import type { Descriptor } from './media.js';
import type { ImageService } from './service.js';
import { putVerified } from './store.js';
import { SubstitutionError, expand, type Variables } from './substitute.js';

/** A build's cancellation: the caller went away. */
export class Cancel {
  private reason: string | null = null;
  private readonly listeners = new Set<() => void>();

  get cancelled(): boolean {
    return this.reason !== null;
  }
  cancel(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
  /** Call `cb` on cancellation (at once if cancelled); the function returned stops listening. */
  onCancel(cb: () => void): () => void {
    if (this.reason !== null) {
      cb();
      return () => {};
    }
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }
  check(): void {
    if (this.reason !== null) throw new BuildError(`build cancelled: ${this.reason}`);
  }
}

/** How RUN's command runs: the first process of a container rooted at `ns`; resolves with its status. */
export interface StepRunner {
  run(ns: MountNamespace, cmd: ContainerCommand, output: HostStream, cancel: Cancel): Promise<number>;
}

export interface BuildRequest {
  /** The Dockerfile's text, and its name for messages. */
  dockerfile: string;
  dockerfileName: string;
  /** The build context's root. */
  context: DirInode;
  /** -t REF: the reference the image is tagged with. */
  tag?: string;
  /** --build-arg NAME=VALUE (SOURCE_DATE_EPOCH among them sets the build's epoch). */
  buildArgs: ReadonlyMap<string, string>;
  /** --target STAGE (default: the last). */
  target?: string;
  /** --output oci:DIR: the directory the OCI layout is written into; absent: the store. */
  output?: { dir: DirInode; name: string };
  /** --no-cache: run every step (what it makes is still cached). */
  noCache?: boolean;
  cancel?: Cancel;
}

export interface BuildResult {
  /** The canonical reference tagged in the store (absent with --output or without -t). */
  reference?: string;
  manifestDigest: string;
  configDigest: string;
  /** Layers of the image, how many steps took theirs from the cache, how many RUNs ran. */
  layers: number;
  cached: number;
  ran: number;
}

export class Builder {
  constructor(private readonly images: ImageService | undefined, private readonly containers: Containers, private readonly steps: StepRunner) {}

  /** Build `req`, its progress written to `out`. Throws BuildError (or DockerfileError) naming what failed. */
  async build(req: BuildRequest, out: BuildOutput): Promise<BuildResult> {
    if (!this.images) throw new BuildError('this host keeps no images: it cannot build');
    return new Build(this.images, this.containers, this.steps, req, new BuildProgress(out)).run();
  }
}

/** A stage as it is being built. */
interface StageState {
  stage: Stage;
  image: StageImage;
  /** Its ARGs (declared; undefined: no value). */
  args: Map<string, string | undefined>;
  /** Owners COPY --chown and ADD gave paths (layerdiff.ts applies them whenever a layer holds the path). */
  owners: Map<string, Owner>;
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  /** Which step of the stage is next (1 is FROM). */
  step: number;
}

interface Built {
  image: StageImage;
  owners: Map<string, Owner>;
}

class Build {
  private stages!: Stages;
  private escape = '\\';
  private readonly used = new Set<string>(['SOURCE_DATE_EPOCH']);
  private readonly built = new Map<number, Promise<Built>>();
  private ignore = DockerIgnore.none();
  private readonly epoch: number;
  private readonly cancel: Cancel;
  private readonly stats = { cached: 0, ran: 0 };

  constructor(
    private readonly images: ImageService,
    private readonly containers: Containers,
    private readonly steps: StepRunner,
    private readonly req: BuildRequest,
    private readonly progress: BuildProgress,
  ) {
    this.epoch = sourceDateEpoch(req.buildArgs.get('SOURCE_DATE_EPOCH'));
    this.cancel = req.cancel ?? new Cancel();
  }

  async run(): Promise<BuildResult> {
    if (this.req.tag !== undefined) canonicalTag(this.req.tag); // a bad -t fails before anything is built
    // 1. The Dockerfile and the .dockerignore.
    await this.internal(`load build definition from ${this.req.dockerfileName}`, () => this.parse());
    await this.internal('load .dockerignore', () => this.loadIgnore());
    // 2. The target stage, and what it uses.
    const target = this.stages.target(this.req.target);
    const built = await this.stage(target.index);
    const unused = [...this.req.buildArgs.keys()].filter((k) => !this.used.has(k));
    if (unused.length > 0) this.progress.say(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    // 3. The image.
    return this.export(built.image);
  }

  /** An internal step of its own vertex. */
  private async internal(title: string, work: () => Promise<void> | void): Promise<void> {
    const v = this.progress.vertex(`[internal] ${title}`);
    try {
      await work();
    } catch (e) {
      v.error((e as Error).message);
      throw e;
    }
    v.done();
  }

  private parse(): void {
    const df = parseDockerfile(this.req.dockerfile, this.req.dockerfileName);
    this.escape = df.escape;
    this.stages = new Stages(df, this.req.dockerfileName, this.req.buildArgs, this.used, (ins, word, vars) => this.substitute(ins, word, vars));
  }

  private async loadIgnore(): Promise<void> {
    const node = this.req.context.lookup('.dockerignore');
    if (isErr(node)) return;
    const f = node.open({ read: true, write: false });
    if (isErr(f)) throw new Error(`.dockerignore: cannot open (E${errnoLabel(f.errno)})`);
    let text = '';
    const dec = new TextDecoder();
    for (;;) {
      const got = f.read(1 << 16);
      if (isErr(got)) throw new Error(`.dockerignore: cannot read (E${errnoLabel(got.errno)})`);
      if (got.length === 0) break;
      text += dec.decode(got, { stream: true });
    }
    f.release();
    this.ignore = DockerIgnore.parse(text);
  }

  /**
   * Stage `index`, built once however many stages use it. A stage uses only
   * earlier ones (FROM, COPY --from), so there is no cycle to wait on.
   */
  private stage(index: number): Promise<Built> {
    let b = this.built.get(index);
    if (!b) {
      b = this.buildStage(this.stages.list[index]);
      this.built.set(index, b);
    }
    return b;
  }

  // ---- a stage -----------------------------------------------------------------

  private async buildStage(stage: Stage): Promise<Built> {
    const s: StageState = { stage, image: scratchImage(), args: new Map(), owners: new Map(), cmdSet: false, step: 1 };
    await this.from(s);
    for (const ins of stage.body) {
      this.cancel.check();
      await this.instruction(s, ins);
    }
    return { image: s.image, owners: s.owners };
  }

  /** The `[stage k/n]` of the stage's next step. */
  private stepLabel(s: StageState): string {
    return `[${this.stages.label(s.stage)}${s.step++}/${s.stage.steps}]`;
  }

  private async from(s: StageState): Promise<void> {
    const ins = s.stage.from;
    const platform = ins.flags.get('platform');
    if (platform !== undefined) {
      const p = this.substitute(ins, platform, (n) => this.stages.global(n));
      if (!/^wasi(p1)?\/wasm(32)?$/.test(p)) throw this.error(ins, `FROM --platform=${p}: tabkernel builds for wasi/wasm only`);
    }
    const image = this.substitute(ins, ins.image, (n) => this.stages.global(n));
    const v = this.progress.vertex(`${this.stepLabel(s)} FROM ${image}`);
    try {
      const earlier = this.stages.named(image);
      if (image === 'scratch') {
        s.image = scratchImage();
      } else if (earlier && earlier.index < s.stage.index && !/^\d+$/.test(image)) {
        const b = await this.stage(earlier.index);
        s.image = copyImage(b.image);
        for (const [p, o] of b.owners) s.owners.set(p, o);
      } else {
        s.image = baseImage(await this.pull(image, v));
      }
    } catch (e) {
      v.error((e as Error).message);
      throw e instanceof BuildError || e instanceof DockerfileError ? e : this.error(ins, (e as Error).message);
    }
    v.done();
  }

  /** An image from the store, pulled if it lacks it (a line per layer on `v`). */
  private async pull(ref: string, v: Vertex) {
    const seen = new Set<string>();
    const img = await this.images.fetch(ref, (p) => {
      if (p.done < p.total || seen.has(p.digest)) return;
      seen.add(p.digest);
      v.line(`${p.digest} ${(p.total / 1e6).toFixed(2)}MB ${p.cached ? 'in the store' : 'pulled'}`);
    });
    if (img.kind !== 'image') throw new Error(`${img.reference} is a single-module Wasm artifact: it has no file system to build on`);
    v.line(`resolve ${img.reference}@${img.manifestDigest} done`);
    return img;
  }

  private async instruction(s: StageState, ins: Instruction): Promise<void> {
    const vars = this.vars(s);
    switch (ins.kind) {
      case 'FROM': return; // never in a body
      case 'ARG':
        for (const a of ins.args) {
          const given = this.req.buildArgs.get(a.name);
          if (given !== undefined) this.used.add(a.name);
          const value = given ?? (a.value !== undefined ? this.substitute(ins, a.value, vars) : this.stages.global(a.name));
          s.args.set(a.name, value);
        }
        return;
      case 'ENV': case 'LABEL': case 'WORKDIR': case 'USER': case 'EXPOSE': case 'CMD': case 'ENTRYPOINT':
        s.cmdSet = configInstruction(s.image, ins, (word) => this.substitute(ins, word, vars), (why) => this.error(ins, why), this.epoch, s.cmdSet);
        return;
      case 'RUN': return this.runStep(s, ins);
      default: return this.copyStep(s, ins);
    }
  }

  /** The variables a stage's instruction sees: its ENV over its ARGs. */
  private vars(s: StageState): Variables {
    return (name) => envValue(s.image.config, name) ?? s.args.get(name);
  }

  private substitute(ins: Instruction, word: string, vars: Variables): string {
    try {
      return expand(word, vars, this.escape);
    } catch (e) {
      if (e instanceof SubstitutionError) throw this.error(ins, e.message);
      throw e;
    }
  }

  private error(ins: Instruction, why: string): DockerfileError {
    return new DockerfileError(ins.line, `${ins.kind}: ${why}`, this.req.dockerfileName);
  }

  // ---- steps that make layers -----------------------------------------------------

  private async runStep(s: StageState, ins: Extract<Instruction, { kind: 'RUN' }>): Promise<void> {
    const argv = 'exec' in ins.command ? ins.command.exec : ['/bin/sh', '-c', ins.command.shell];
    if (argv.length === 0) throw this.error(ins, 'an empty exec form');
    const label = this.stepLabel(s);
    const v = this.progress.vertex(`${label} ${ins.text}`);
    const env = [...(s.image.config.Env ?? [])];
    // A stage's ARGs are in RUN's environment (not the image's), under its ENV.
    for (const [name, value] of s.args) if (value !== undefined && envValue(s.image.config, name) === undefined) env.push(`${name}=${value}`);
    const cwd = s.image.config.WorkingDir || '/';
    const instruction = { op: 'RUN', argv, env, cwd, user: s.image.config.User ?? '' };
    await this.layerStep(s, v, instruction, '', null, async (overlay) => {
      mkdirs(overlay.root, cwd);
      // The mount points the container needs and the stage lacks stay out of the layer (BuildKit's mount stubs).
      const stubs = ['dev', 'proc'].filter((n) => isErr(overlay.root.lookup(n)));
      const ns = this.containers.namespace(overlay.root, `build ${label}`);
      if (ns instanceof Error) throw new BuildError(`${label} ${ins.text}: ${ns.message}`);
      const status = await this.steps.run(ns, { argv, env, cwd }, v.output(), this.cancel);
      this.stats.ran++;
      this.cancel.check();
      if (status !== 0) {
        throw new BuildError(`${label} ${ins.text} (${this.req.dockerfileName}:${ins.line}): process ${JSON.stringify(argv.join(' '))} did not complete successfully: exit code: ${status}`);
      }
      return new Set(stubs);
    });
    addHistory(s.image, this.epoch, `RUN ${'exec' in ins.command ? JSON.stringify(argv) : argv.join(' ')} # buildkit`, true);
  }

  private async copyStep(s: StageState, ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>): Promise<void> {
    const vars = this.vars(s);
    const label = this.stepLabel(s);
    const v = this.progress.vertex(`${label} ${ins.text}`);
    const sources = ins.sources.map((w) => this.substitute(ins, w, vars));
    const dest = this.substitute(ins, ins.dest, vars);
    const fromRef = ins.flags.has('from') ? this.substitute(ins, ins.flags.get('from') as string, vars) : undefined;
    const chmodText = ins.flags.has('chmod') ? this.substitute(ins, ins.flags.get('chmod') as string, vars) : undefined;
    if (chmodText !== undefined && !/^[0-7]{3,4}$/.test(chmodText)) throw this.error(ins, `--chmod=${chmodText}: not an octal mode`);
    const chmod = chmodText === undefined ? undefined : parseInt(chmodText, 8);
    const cwd = s.image.config.WorkingDir || '/';
    let overlay: Overlay | null = null;
    try {
      const from = await this.copySource(s, ins, fromRef, v);
      overlay = await this.overlay(s);
      const chown = ins.flags.has('chown') ? chownOf(this.substitute(ins, ins.flags.get('chown') as string, vars), overlay.root) : undefined;
      const items = await planCopy(from, { sources, dest, workdir: cwd, chmod, add: ins.kind === 'ADD' }, overlay.root, this.images.layers.inflate);
      if (chown) for (const it of items) it.owner = chown;
      for (const it of items) if (it.owner) s.owners.set(it.path, it.owner);
      const h = await this.images.sha256();
      hashItems(items, this.epoch, h);
      const instruction = { op: ins.kind, sources, dest, cwd, from: fromRef ?? '', chown: chown ?? null, chmod: chmod ?? null };
      await this.layerStep(s, v, instruction, `sha256:${h.hex()}`, overlay, async (ov) => {
        const made: string[] = [];
        mkdirs(ov.root, cwd);
        applyCopy(ov.root, items, made);
        if (chown) for (const p of made) s.owners.set(p, chown);
        return new Set();
      });
    } catch (e) {
      if (overlay) discard(overlay.upperFs);
      if (e instanceof CopyError) {
        v.error(e.message);
        throw new BuildError(`${label} ${ins.text} (${this.req.dockerfileName}:${ins.line}): ${e.message}`);
      }
      throw e;
    }
    const flags = [...ins.flags].map(([k, val]) => `--${k}=${val} `).join('');
    addHistory(s.image, this.epoch, `${ins.kind} ${flags}${sources.join(' ')} ${dest} # buildkit`, true);
  }

  /** Where a COPY's sources are: the context, a stage's root, or an image's. */
  private async copySource(s: StageState, ins: Instruction, fromRef: string | undefined, v: Vertex): Promise<CopySource> {
    if (fromRef === undefined) return { root: this.req.context, ignore: this.ignore, name: 'the build context' };
    const stage = this.stages.named(fromRef);
    let layers: Descriptor[];
    let name: string;
    if (stage) {
      if (stage.index >= s.stage.index) throw this.error(ins, `--from=${fromRef}: a stage copies only from an earlier stage`);
      layers = (await this.stage(stage.index)).image.layers;
      name = `stage ${fromRef}`;
    } else {
      layers = (await this.pull(fromRef, v)).layers;
      name = `image ${fromRef}`;
    }
    const ov = await this.containers.overlay(layers);
    if (ov instanceof Error) throw new BuildError(`${name}: ${ov.message}`);
    return { root: ov.root, ignore: DockerIgnore.none(), name };
  }

  private async overlay(s: StageState): Promise<Overlay> {
    const ov = await this.containers.overlay(s.image.layers);
    if (ov instanceof Error) throw new BuildError(`cannot make the stage's root: ${ov.message}`);
    return ov;
  }

  /**
   * One layer: from the cache when the step's key is there and the store has
   * its blob; else `make` changes a fresh overlay of the stage (or `given`),
   * whose upper becomes the layer (less the paths `make` says to skip),
   * stored and cached. The overlay's upper is emptied after (its bytes go
   * back to the memory budget).
   */
  private async layerStep(s: StageState, v: Vertex, instruction: unknown, inputs: string, given: Overlay | null, make: (ov: Overlay) => Promise<Set<string>>): Promise<void> {
    const sha256 = this.images.sha256;
    const key = await stepKey({ parent: await chainId(s.image.diffIds, sha256), instruction, inputs, epoch: this.epoch }, sha256);
    const cache = await this.images.buildCache();
    const store = await this.images.store();
    const hit = this.req.noCache ? undefined : await cache.get(key);
    if (hit && (await store.has(hit.digest))) {
      if (given) discard(given.upperFs);
      s.image.layers.push({ mediaType: hit.mediaType, digest: hit.digest, size: hit.size });
      s.image.diffIds.push(hit.diffId);
      this.stats.cached++;
      v.cached();
      return;
    }
    const ov = given ?? (await this.overlay(s));
    try {
      const skip = await make(ov);
      const entries = layerEntries(ov.changes(), { epoch: this.epoch, owner: (p) => s.owners.get(p), skip });
      const blob = await layerBlob(entries, sha256);
      if (!(await store.has(blob.digest))) {
        await putVerified(store, sha256, { digest: blob.digest, size: blob.size }, (async function* () {
          yield* blob.chunks;
        })());
      }
      const layer = { mediaType: blob.mediaType, digest: blob.digest, diffId: blob.diffId, size: blob.size };
      await cache.put(key, layer);
      s.image.layers.push({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
      s.image.diffIds.push(layer.diffId);
      v.line(`layer ${layer.digest} ${(layer.size / 1e6).toFixed(2)}MB`);
      v.done();
    } catch (e) {
      v.error((e as Error).message);
      throw e;
    } finally {
      discard(ov.upperFs);
    }
  }

  // ---- the result ---------------------------------------------------------------------

  private async export(image: StageImage): Promise<BuildResult> {
    const v = this.progress.vertex('exporting to image');
    const r = await exportImage(this.images, image, this.epoch, { tag: this.req.tag, output: this.req.output }, (line) => v.line(line));
    v.done();
    return { ...r, layers: image.layers.length, ...this.stats };
  }
}

/** SOURCE_DATE_EPOCH: whole seconds since the epoch, 0 by default. */
function sourceDateEpoch(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  if (!/^\d+$/.test(text)) throw new BuildError(`SOURCE_DATE_EPOCH=${text}: not a whole number of seconds`);
  return Number(text);
}

/** Make `path` (absolute) and its parents in `root` where missing (WORKDIR's directory). */
function mkdirs(root: DirInode, path: string): void {
  let dir: DirInode = root;
  for (const name of cleanPath(path).split('/').filter((n) => n !== '')) {
    let next = dir.lookup(name);
    if (isErr(next)) {
      dir.mkdir(name);
      next = dir.lookup(name);
    }
    if (isErr(next) || !(next instanceof DirInode)) return; // COPY or RUN will say what is wrong
    dir = next;
  }
}

/** Empty a step's upper: its files' bytes go back to the memory budget. */
function discard(upper: MemFs): void {
  const clear = (dir: MemDir): void => {
    for (const [name, node] of dir.list()) {
      if (node instanceof MemDir) {
        clear(node);
        dir.rmdir(name);
      } else {
        dir.unlink(name);
      }
    }
  };
  clear(upper.root);
}
