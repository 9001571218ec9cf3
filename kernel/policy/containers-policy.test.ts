// policy.json as the containers tools write it: the man page's examples read,
// and whatever they would refuse refused, naming the field.
import { describe, expect, it } from 'vitest';
import { parseContainersPolicy } from './containers-policy.js';

const parse = (doc: unknown) => parseContainersPolicy(JSON.stringify(doc), 'policy.json');
const err = (doc: unknown): string => (parse(doc) as Error).message;

describe('containers-policy.json', () => {
  it("reads the man page's locked-down example, every transport", () => {
    const p = parse({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          'docker.io/openshift': [{ type: 'insecureAcceptAnything' }],
          '*.temporary-project.example.com': [{ type: 'insecureAcceptAnything' }],
          'hostname:5000/myns/sigstore-signed-with-full-references': [{ type: 'sigstoreSigned', keyPath: '/path/to/sigstore-pubkey.pub' }],
          'hostname:5000/myns/sigstore-signed-allows-malicious-tag-substitution': [{ type: 'sigstoreSigned', keyPath: '/p.pub', signedIdentity: { type: 'matchRepository' } }],
        },
        dir: { '': [{ type: 'insecureAcceptAnything' }] },
        atomic: { 'hostname:5000/myns/official': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }] },
      },
    });
    expect(p).not.toBeInstanceOf(Error);
    if (p instanceof Error) return;
    expect(p.default).toEqual([{ type: 'reject' }]);
    expect(p.transports.get('docker')?.get('hostname:5000/myns/sigstore-signed-with-full-references')).toEqual([
      { type: 'sigstoreSigned', keys: [{ path: '/path/to/sigstore-pubkey.pub' }], signedIdentity: { type: 'matchRepoDigestOrExact' } },
    ]);
    expect(p.transports.get('atomic')?.get('hostname:5000/myns/official')).toEqual([{ type: 'signedBy' }]);
  });

  it('reads keyData (base64 of the PEM), keyPaths, keyDatas, and keyless requirements as such', () => {
    const p = parse({ default: [
      { type: 'sigstoreSigned', keyData: Buffer.from('PEM').toString('base64') },
      { type: 'sigstoreSigned', keyPaths: ['/a', '/b'] },
      { type: 'sigstoreSigned', keyDatas: ['UEVN', 'UEVN'] },
      { type: 'sigstoreSigned', fulcio: { caPath: '/ca' }, rekorPublicKeyPath: '/r' },
    ] });
    if (p instanceof Error) throw p;
    expect(p.default.map((r) => (r.type === 'sigstoreSigned' ? r.keyless ?? r.keys.length : 0))).toEqual([1, 2, 2, 'fulcio']);
  });

  it('refuses unknown fields anywhere — a tabkernel key at the top too (why capabilities have a file of their own)', () => {
    expect(err({ default: [{ type: 'insecureAcceptAnything' }], tabkernel: {} })).toBe('policy.json: the top level: unknown field "tabkernel"');
    expect(err({ default: [{ type: 'reject', why: 'x' }] })).toBe('policy.json: "default"[0]: unknown field "why"');
    expect(err({ default: [{ type: 'sigstoreSigned', keyPath: '/k', signedIdentity: { type: 'matchRepository', x: 1 } }] })).toMatch(/signedIdentity: unknown field "x"/);
  });

  it('refuses a missing default, an empty list, an unknown type, and not exactly one key source', () => {
    expect(err({})).toMatch(/"default" is missing/);
    expect(err({ default: [] })).toMatch(/must not be empty/);
    expect(err({ default: [{ type: 'allowEverything' }] })).toMatch(/unknown requirement type "allowEverything"/);
    expect(err({ default: [{ type: 'sigstoreSigned' }] })).toMatch(/exactly one of keyPath, .* \(none is\)/);
    expect(err({ default: [{ type: 'sigstoreSigned', keyPath: '/a', keyData: 'UEVN' }] })).toMatch(/\(keyPath, keyData\)/);
    expect(err({ default: [{ type: 'sigstoreSigned', keyData: 'not base64!' }] })).toMatch(/keyData: not base64/);
    expect(err({ default: [{ type: 'sigstoreSigned', keyPath: '/a', signedIdentity: { type: 'matchSomething' } }] })).toMatch(/unknown signedIdentity type/);
    expect(err({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { x: {} } } })).toMatch(/transports\.docker\["x"\] is not a list/);
    expect(parseContainersPolicy('{"default":', 'p.json')).toBeInstanceOf(Error);
  });
});
