// The build cache: a step whose parent, instruction and inputs were built
// before takes the layer it made then, and runs nothing. The key is the
// sha256 of (the chain ID of the layers under the step, the instruction as
// it runs — substituted, with the environment, working directory and user a
// RUN sees —, the digest of what a COPY or ADD copies, SOURCE_DATE_EPOCH);
// the value the layer's digest, diff_id and size. The blob itself is in the
// image store; an entry whose blob is gone is a miss. Where the index lives
// is the host's: a small JSON file beside the Node store
// (kernel/host/node/buildcache.ts), an object store of the page's image
// database (kernel/host/browser/blobstore.ts); MemoryBuildCache serves a host
// that keeps none.
// Spec: OCI image-spec config.md ("Layer ChainID").
import type { Sha256Factory } from './digest.js';

/** A cached step's layer. */
export interface CachedLayer {
  digest: string;
  diffId: string;
  size: number;
  mediaType: string;
}

export interface BuildCache {
  get(key: string): Promise<CachedLayer | undefined>;
  put(key: string, layer: CachedLayer): Promise<void>;
}

/** A cache held in memory (for one kernel's life). */
export class MemoryBuildCache implements BuildCache {
  private readonly entries = new Map<string, CachedLayer>();
  async get(key: string): Promise<CachedLayer | undefined> {
    return this.entries.get(key);
  }
  async put(key: string, layer: CachedLayer): Promise<void> {
    this.entries.set(key, layer);
  }
}

/** What a step's key is made of. */
export interface StepKey {
  /** The chain ID of the layers under the step ('' for none). */
  parent: string;
  /** The instruction as it runs: its kind and substituted form (RUN: argv, env, cwd, user). */
  instruction: unknown;
  /** The digest of what the step copies ('' for RUN). */
  inputs: string;
  epoch: number;
}

/** The key of a step: the sha256 of its parts, as canonical JSON. */
export async function stepKey(k: StepKey, sha256: Sha256Factory): Promise<string> {
  const h = await sha256();
  h.update(new TextEncoder().encode(JSON.stringify([k.parent, k.instruction, k.inputs, k.epoch])));
  return `sha256:${h.hex()}`;
}

/** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export async function chainId(diffIds: readonly string[], sha256: Sha256Factory): Promise<string> {
  let chain = '';
  for (const d of diffIds) {
    if (chain === '') {
      chain = d;
      continue;
    }
    const h = await sha256();
    h.update(new TextEncoder().encode(`${chain} ${d}`));
    chain = `sha256:${h.hex()}`;
  }
  return chain;
}
