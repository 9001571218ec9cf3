// Admission against a registry in memory: images signed by image/sign.ts
// with a node:crypto key, pulled through fetchAdmitted into a store in
// memory, under policies written as JSON.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry, sha256, smallImage } from '../../test/support/memory-registry.js';
import { Errno } from '../abi/errno.js';
import { importPrivateKey } from '../image/keys.js';
import type { Descriptor } from '../image/media.js';
import { parseReference, type Reference } from '../image/reference.js';
import { signImage } from '../image/sign.js';
import type { BlobStore, BlobWriter } from '../image/store.js';
import { fetchAdmitted, PolicyDeniedError } from './admission.js';
import { BUILT_IN_CAPABILITIES, parseCapabilities } from './capabilities.js';
import { parseContainersPolicy } from './containers-policy.js';
import { Policy } from './policy.js';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUB = publicKey.export({ type: 'spki', format: 'pem' }) as string;

/** A blob store in memory. */
function memoryStore(): BlobStore & { blobs: Map<string, Uint8Array>; named: Map<string, Descriptor> } {
  const blobs = new Map<string, Uint8Array>();
  const named = new Map<string, Descriptor>();
  return {
    blobs, named,
    has: async (d) => blobs.has(d),
    get: async (d) => blobs.get(d),
    stream: async (d) => {
      const b = blobs.get(d);
      return b && (async function* () { yield b; })();
    },
    create: async (d): Promise<BlobWriter> => {
      const parts: Uint8Array[] = [];
      return { write: async (c) => void parts.push(c), commit: async () => void blobs.set(d, Buffer.concat(parts)), abort: async () => undefined };
    },
    delete: async (d) => void blobs.delete(d),
    list: async () => [...blobs.keys()],
    refs: async () => new Map(named),
    setRef: async (r, t) => void named.set(r, t),
    deleteRef: async (r) => named.delete(r),
  };
}

function policy(doc: unknown, caps?: unknown): Policy {
  const p = parseContainersPolicy(JSON.stringify(doc), 'policy.json');
  if (p instanceof Error) throw p;
  const c = caps === undefined ? BUILT_IN_CAPABILITIES : parseCapabilities(JSON.stringify(caps), 'caps.json');
  if (c instanceof Error) throw c;
  return new Policy(p, c, { policy: '/etc/p.json' }, async (path) => {
    if (path === '/k.pub') return PUB;
    throw new Error(`ENOENT: ${path}`);
  });
}

const ref = (s: string): Reference => parseReference(s) as Reference;
const REQUIRE = (identity = 'matchRepository') => ({ default: [{ type: 'sigstoreSigned', keyPath: '/k.pub', signedIdentity: { type: identity } }] });

async function world() {
  const reg = new MemoryRegistry();
  smallImage(reg, 'tk/signed', '1');
  smallImage(reg, 'tk/unsigned', '1');
  const key = await importPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, async () => '');
  await signImage(ref('localhost:5000/tk/signed:1'), { registry: reg.client(), sha256, key });
  const store = memoryStore();
  const fetch = (r: string, p: Policy, always = false) => fetchAdmitted(ref(r), { policy: p, registry: async () => reg.client(), store, sha256, always });
  return { reg, store, fetch };
}

describe('admission', () => {
  it('accepts a signed image under sigstoreSigned and stores it', async () => {
    const { store, fetch } = await world();
    const img = await fetch('localhost:5000/tk/signed:1', policy(REQUIRE()));
    expect(img.reference).toBe('localhost:5000/tk/signed:1');
    expect(store.named.has('localhost:5000/tk/signed:1')).toBe(true);
  });

  it('refuses an unsigned image before fetching any of it, leaving the store empty', async () => {
    const { reg, store, fetch } = await world();
    reg.requests.length = 0;
    const e = await fetch('localhost:5000/tk/unsigned:1', policy(REQUIRE())).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PolicyDeniedError);
    expect((e as PolicyDeniedError).errno).toBe(Errno.ACCES);
    expect((e as Error).message).toMatch(/^policy: the default requires a sigstore signature: no signature found \(no localhost:5000\/tk\/unsigned:sha256-[0-9a-f]{64}\.sig\) \(\/etc\/p\.json\)$/);
    expect(store.blobs.size).toBe(0);
    expect(reg.requests.filter((r) => r.includes('/blobs/'))).toEqual([]);
  });

  it('applies the default signedIdentity (matchRepoDigestOrExact), which refuses a cosign signature of a tag pull', async () => {
    const { fetch } = await world();
    await expect(fetch('localhost:5000/tk/signed:1', policy({ default: [{ type: 'sigstoreSigned', keyPath: '/k.pub' }] })))
      .rejects.toThrow(/wants "localhost:5000\/tk\/signed:1" exactly/);
  });

  it('re-admits a stored image at every fetch: reject refuses it from the store, a signature policy goes to the registry', async () => {
    const { reg, fetch } = await world();
    await fetch('localhost:5000/tk/unsigned:1', policy({ default: [{ type: 'insecureAcceptAnything' }] }));
    await expect(fetch('localhost:5000/tk/unsigned:1', policy({ default: [{ type: 'reject' }] }))).rejects.toThrow(/^policy: the default rejects every image: localhost:5000\/tk\/unsigned:1 refused/);
    reg.requests.length = 0;
    await expect(fetch('localhost:5000/tk/unsigned:1', policy(REQUIRE()))).rejects.toThrow(/no signature found/);
    expect(reg.requests[0]).toBe('GET /v2/tk/unsigned/manifests/1');
  });

  it('names the scope that decided, most specific first', async () => {
    const { fetch } = await world();
    const p = policy({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { 'localhost:5000/tk': [{ type: 'reject' }], 'localhost:5000/tk/signed': REQUIRE().default } } });
    await expect(fetch('localhost:5000/tk/unsigned:1', p)).rejects.toThrow(/^policy: docker localhost:5000\/tk rejects every image/);
    await expect(fetch('localhost:5000/tk/signed:1', p)).resolves.toBeTruthy();
  });

  it('refuses what it cannot verify: GPG, keyless, a key file it cannot read', async () => {
    const { fetch } = await world();
    await expect(fetch('localhost:5000/tk/signed:1', policy({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }] }))).rejects.toThrow(/GPG signature \(signedBy\), which tabkernel does not verify/);
    await expect(fetch('localhost:5000/tk/signed:1', policy({ default: [{ type: 'sigstoreSigned', fulcio: {} }] }))).rejects.toThrow(/keyless sigstore signature \(fulcio\)/);
    await expect(fetch('localhost:5000/tk/signed:1', policy({ default: [{ type: 'sigstoreSigned', keyPath: '/nope.pub', signedIdentity: { type: 'matchRepository' } }] }))).rejects.toThrow(/its key cannot be used: ENOENT: \/nope\.pub/);
  });

  it('takes keys from keyData', async () => {
    const { fetch } = await world();
    const p = policy({ default: [{ type: 'sigstoreSigned', keyData: Buffer.from(PUB).toString('base64'), signedIdentity: { type: 'matchRepository' } }] });
    await expect(fetch('localhost:5000/tk/signed:1', p)).resolves.toBeTruthy();
  });

  it('refuses a registry the capabilities do not list, before contacting it (ECONNREFUSED)', async () => {
    const { reg, fetch } = await world();
    reg.requests.length = 0;
    const e = await fetch('localhost:5000/tk/signed:1', policy({ default: [{ type: 'insecureAcceptAnything' }] }, { registries: ['ghcr.io'] })).catch((x: unknown) => x);
    expect((e as PolicyDeniedError).errno).toBe(Errno.CONNREFUSED);
    expect((e as Error).message).toBe('policy: images may not be pulled from localhost:5000: "registries" ["ghcr.io"] (the built-in capabilities)');
    expect(reg.requests).toEqual([]);
  });
});

describe('the policy', () => {
  it('sums itself up in a line', () => {
    const p = policy({ default: [{ type: 'reject' }], transports: { docker: { 'r.io/app': REQUIRE().default, '': [{ type: 'insecureAcceptAnything' }] } } });
    expect(p.summary()).toBe('/etc/p.json: default reject; docker r.io/app sigstoreSigned (keyPath /k.pub, matchRepository); docker "" (the docker default) insecureAcceptAnything');
    expect(Policy.builtIn().summary()).toBe('built-in (no policy.json): default insecureAcceptAnything');
  });

  it('answers allowsHost(scope, host, port) for the network', () => {
    const p = policy({ default: [{ type: 'insecureAcceptAnything' }] }, { transports: { docker: { 'r.io/app': { network: ['api.example.com:443'] } } } });
    expect(p.allowsHost('r.io/app:1', 'api.example.com', 443)).toBe(true);
    expect(p.allowsHost('r.io/app:1', 'api.example.com', 80)).toBe(false);
    expect(p.allowsHost('r.io/other:1', 'api.example.com', 443)).toBe(false);
    expect(p.allowsHost(null, 'api.example.com', 443)).toBe(false);
    expect(p.allowsHost('Not A Ref', 'api.example.com', 443)).toBe(false);
  });
});
