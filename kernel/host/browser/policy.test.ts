// The page's policy files, fetched from a scripted server.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseReference, type Reference } from '../../image/reference.js';
import { fetchPolicy } from './policy.js';

const PUB = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;

/** A fetch serving `files` by path (anything else 404), or HTML for every path when `spa`. */
function server(files: Record<string, string>, spa = false): typeof fetch {
  return (async (input: string | URL) => {
    const path = new URL(String(input)).pathname;
    if (path in files) return new Response(files[path], { status: 200, headers: { 'content-type': 'application/json' } });
    return spa ? new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }) : new Response('no', { status: 404 });
  }) as typeof fetch;
}

describe("the page's policy", () => {
  it('is built-in when the server has neither file (404, or a static host answering with the page)', async () => {
    for (const spa of [false, true]) {
      const p = await fetchPolicy('http://x/app/policy.json', server({}, spa));
      expect(p.summary()).toBe('built-in (no policy.json): default insecureAcceptAnything');
    }
  });

  it('reads both files, and fetches a keyPath relative to policy.json', async () => {
    const files = {
      '/app/policy.json': JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath: 'keys/k.pub', signedIdentity: { type: 'matchRepository' } }] }),
      '/app/tabkernel-capabilities.json': JSON.stringify({ registries: ['loopback'] }),
      '/app/keys/k.pub': PUB,
    };
    const p = await fetchPolicy('http://x/app/policy.json', server(files));
    expect(p.source).toEqual({ policy: 'http://x/app/policy.json', capabilities: 'http://x/app/tabkernel-capabilities.json' });
    expect(p.checkRegistry('ghcr.io').allowed).toBe(false);
    const req = p.requirementsFor(parseReference('r.io/a') as Reference).requirements[0];
    if (req.type !== 'sigstoreSigned') throw new Error(req.type);
    await expect(p.trustedKeys(req.keys)).resolves.toHaveLength(1);
    const missing = await fetchPolicy('http://x/app/policy.json', server({ '/app/policy.json': files['/app/policy.json'] }));
    await expect(missing.trustedKeys(req.keys)).rejects.toThrow('http://x/app/keys/k.pub: not found');
  });

  it('is an error when a file is there but invalid, or the server fails', async () => {
    await expect(fetchPolicy('http://x/policy.json', server({ '/policy.json': '{"default":[]}' }))).rejects.toThrow(/^policy: http:\/\/x\/policy\.json: "default": the list of requirements must not be empty/);
    const failing = (async () => new Response('', { status: 500 })) as unknown as typeof fetch;
    await expect(fetchPolicy('http://x/policy.json', failing)).rejects.toThrow(/HTTP 500/);
  });
});
