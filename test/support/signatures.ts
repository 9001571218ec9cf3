// Signatures made without tabkernel, for the signature tests: P-256 keys made
// by openssl (`openssl ecparam -genkey`: SEC1; `openssl pkcs8 -topk8`: PKCS#8;
// `openssl ec -pubout`: the public key), simple-signing payloads written here
// from cosign's spec, signed by `openssl dgst -sha256 -sign` (DER, as cosign
// writes), and the signature manifest `sha256-HEX.sig` built as an OCI image
// layout by hand and pushed by skopeo — cosign's layout, with no tabkernel
// code on the way. openssl also checks tabkernel's own signatures.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestRegistry } from './registry.js';

export interface KeyFiles {
  /** SEC1 `EC PRIVATE KEY`, as openssl ecparam -genkey writes it. */
  sec1: string;
  /** The same key as PKCS#8 `PRIVATE KEY`. */
  pkcs8: string;
  /** Its `PUBLIC KEY`. */
  pub: string;
}

/** A P-256 key pair made by openssl in `dir`, files named NAME.sec1.pem, NAME.pkcs8.pem, NAME.pub. */
export function opensslKeys(dir: string, name: string): KeyFiles {
  const f = { sec1: path.join(dir, `${name}.sec1.pem`), pkcs8: path.join(dir, `${name}.pkcs8.pem`), pub: path.join(dir, `${name}.pub`) };
  execFileSync('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', f.sec1]);
  execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', f.sec1, '-out', f.pkcs8]);
  execFileSync('openssl', ['ec', '-in', f.sec1, '-pubout', '-out', f.pub], { stdio: 'ignore' });
  return f;
}

/** The simple-signing payload cosign writes, for `digest` as repository `identity`. */
export function cosignPayload(identity: string, digest: string): string {
  return `{"critical":{"identity":{"docker-reference":"${identity}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`;
}

/** openssl's DER ECDSA/SHA-256 signature of `data` with private key file `key`. */
export function opensslSign(dir: string, key: string, data: string | Uint8Array): Buffer {
  const input = path.join(dir, `in-${crypto.randomUUID()}`);
  const out = `${input}.sig`;
  fs.writeFileSync(input, data);
  execFileSync('openssl', ['dgst', '-sha256', '-sign', key, '-out', out, input]);
  return fs.readFileSync(out);
}

/** Whether openssl verifies DER signature `sig` over `data` with public key file `pub`. */
export function opensslVerify(dir: string, pub: string, sig: Uint8Array, data: Uint8Array): boolean {
  const input = path.join(dir, `in-${crypto.randomUUID()}`);
  fs.writeFileSync(input, data);
  fs.writeFileSync(`${input}.sig`, sig);
  try {
    return /Verified OK/.test(execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', `${input}.sig`, input], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

const sha256 = (b: Uint8Array | string): string => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

/** One signature layer: the payload's bytes and the base64 signature for its annotation. */
export interface SignatureLayer {
  payload: string | Uint8Array;
  signature: string;
}

/**
 * Push a cosign signature manifest for `digest` to `repository`: an OCI
 * layout written here (payload blobs, a config, the manifest), copied to
 * `repository:sha256-HEX.sig` by skopeo.
 */
export async function pushSignatureManifest(reg: TestRegistry, dir: string, repository: string, digest: string, layers: SignatureLayer[]): Promise<string> {
  const layout = fs.mkdtempSync(path.join(dir, 'sig-layout-'));
  const blob = (bytes: Uint8Array | string): { digest: string; size: number } => {
    const d = sha256(bytes);
    fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(layout, 'blobs', 'sha256', d.slice(7)), bytes);
    return { digest: d, size: Buffer.byteLength(bytes) };
  };
  const descs = layers.map((l) => ({
    mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
    ...blob(l.payload),
    annotations: { 'dev.cosignproject.cosign/signature': l.signature },
  }));
  const config = blob(JSON.stringify({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: descs.map((d) => d.digest) }, config: {} }));
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: descs });
  const m = blob(manifest);
  fs.writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'sig' } }],
  }));
  const tag = `${digest.replace(':', '-')}.sig`;
  const args = ['copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests', `oci:${layout}:sig`, `docker://${reg.host}/${repository}:${tag}`];
  await new Promise<void>((resolve, reject) => {
    execFile('skopeo', args, (err, _out, stderr) => (err ? reject(new Error(`skopeo ${args.join(' ')}: ${stderr}`)) : resolve()));
  });
  return m.digest;
}

/** The digest a tag names, as the registry says (HEAD, Docker-Content-Digest). */
export async function tagDigest(reg: TestRegistry, repository: string, tag: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  });
  const d = res.headers.get('docker-content-digest');
  if (res.status !== 200 || !d) throw new Error(`HEAD ${repository}:${tag}: ${res.status}`);
  return d;
}
