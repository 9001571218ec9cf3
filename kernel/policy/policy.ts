// The policy in force: the signature policy (containers-policy.ts, the
// user's policy.json) and tabkernel's capabilities (capabilities.ts, the
// tabkernel-capabilities.json beside it), with the questions the rest of
// tabkernel asks of them — which requirements apply to an image (the most
// specific docker scope, else the docker default "", else `default`), the
// keys a sigstoreSigned requirement trusts, whether a mount, a host or a
// registry is granted — and a summary for people. Hosts find and read the
// files (kernel/host/node/policy.ts: $TABKERNEL_POLICY, ~/.config/containers,
// /etc/containers; kernel/host/browser/policy.ts: the files served beside
// the page) and hand over a way to read key files. With no file at all the
// built-in policy applies: every image accepted (insecureAcceptAnything, as
// the containers tools' shipped policy.json) and the built-in capabilities.
// admission.ts enforces the signature part when images are pulled.

import { importPublicKey } from '../image/keys.js';
import { parseReference, type Reference } from '../image/reference.js';
import type { TrustedKey } from '../image/verify.js';
import { BUILT_IN_CAPABILITIES, checkHost, checkMount, checkRegistry, type Capabilities, type Grant } from './capabilities.js';
import type { ContainersPolicy, KeySource, Requirement } from './containers-policy.js';
import { mostSpecific, scopeName } from './scope.js';

/** Where the policy came from, for messages: a path or URL per file, or undefined for the built-in one. */
export interface PolicySource {
  policy?: string;
  capabilities?: string;
}

/** Read a key file named by keyPath (its PEM text); the host's file system or the page's server. */
export type KeyReader = (path: string) => Promise<string>;

/** The requirements that apply to an image, and the scope they came from (null: the policy's `default`). */
export interface Applicable {
  scope: string | null;
  requirements: Requirement[];
}

export const BUILT_IN_SIGNATURE_POLICY: ContainersPolicy = { default: [{ type: 'insecureAcceptAnything' }], transports: new Map() };

export class Policy {
  private readonly keys = new Map<string, Promise<TrustedKey>>();

  constructor(
    readonly signatures: ContainersPolicy,
    readonly capabilities: Capabilities,
    readonly source: PolicySource,
    private readonly readKey: KeyReader = async (path) => {
      throw new Error(`cannot read ${path} here`);
    },
  ) {}

  /** No files: accept every image; the built-in capabilities. */
  static builtIn(): Policy {
    return new Policy(BUILT_IN_SIGNATURE_POLICY, BUILT_IN_CAPABILITIES, {});
  }

  /** The requirements for image `ref` (see the header). */
  requirementsFor(ref: Reference): Applicable {
    const docker = this.signatures.transports.get('docker');
    const found = docker ? mostSpecific(docker, ref) : undefined;
    return found ? { scope: found.scope, requirements: found.value } : { scope: null, requirements: this.signatures.default };
  }

  /** The public keys of a sigstoreSigned requirement, imported once per key. */
  trustedKeys(sources: readonly KeySource[]): Promise<TrustedKey[]> {
    return Promise.all(sources.map((s) => {
      const id = 'path' in s ? `path:${s.path}` : `data:${s.name}:${s.data.join(',')}`;
      let key = this.keys.get(id);
      if (!key) {
        key = 'path' in s
          ? this.readKey(s.path).then((pem) => importPublicKey(pem, `keyPath ${s.path}`)).then((k) => ({ name: s.path, key: k }))
          : importPublicKey(new TextDecoder().decode(s.data), s.name).then((k) => ({ name: s.name, key: k }));
        key.catch(() => this.keys.delete(id)); // a key file fixed later is read again
        this.keys.set(id, key);
      }
      return key;
    }));
  }

  /** Whether host directory `hostPath` (absolute, symlinks resolved) may be mounted for a container of `ref` (null: a program run from the host). */
  checkMount(ref: Reference | null, hostPath: string): Grant {
    return checkMount(this.capabilities, ref, hostPath);
  }

  /** Whether a container of `ref` (null: a program run from the host) may connect to `host`:`port` (undefined: on some port). */
  checkHost(ref: Reference | null, host: string, port?: number): Grant {
    return checkHost(this.capabilities, ref, host, port);
  }

  /** checkHost for an image reference as text (null: a program run from the host); a malformed reference is allowed nothing. */
  allowsHost(scope: string | null, host: string, port: number): boolean {
    const ref = scope === null ? null : parseReference(scope);
    return !(ref instanceof Error) && this.checkHost(ref, host, port).allowed;
  }

  /** Whether images may be pulled from `registry` (`host[:port]`). */
  checkRegistry(registry: string): Grant {
    return checkRegistry(this.capabilities, registry);
  }

  /** One line for people: where the policy comes from and what it says, most general first. */
  summary(): string {
    const rules = [`default ${describe(this.signatures.default)}`];
    for (const [scope, reqs] of this.signatures.transports.get('docker') ?? []) rules.push(`${scopeName(scope)} ${describe(reqs)}`);
    const from = this.source.policy ?? 'built-in (no policy.json)';
    const caps = this.source.capabilities ? `; capabilities: ${this.source.capabilities}` : '';
    return `${from}: ${rules.join('; ')}${caps}`;
  }
}

/** A requirement list in a few words: `sigstoreSigned (keyPath /k.pub, matchRepository)`. */
function describe(reqs: readonly Requirement[]): string {
  return reqs.map((r) => {
    if (r.type !== 'sigstoreSigned') return r.type;
    const keys = r.keyless ?? r.keys.map((k) => ('path' in k ? `keyPath ${k.path}` : k.name)).join(', ');
    return `sigstoreSigned (${keys}, ${r.signedIdentity.type})`;
  }).join(' + ');
}
