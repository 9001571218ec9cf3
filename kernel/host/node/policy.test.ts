// Where the CLI finds its policy: $TABKERNEL_POLICY, ~/.config/containers,
// then /etc/containers (this machine's own is left out of the picture by
// naming the files through the environment where it matters).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCapabilities, loadPolicy, policyFiles, servedPolicy } from './policy.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-policy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (file: string, doc: unknown): string => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
};

describe('the CLI policy files', () => {
  it('are $TABKERNEL_POLICY and the capabilities file beside it', () => {
    const p = write(path.join(tmp, 'a/policy.json'), { default: [{ type: 'reject' }] });
    const c = write(path.join(tmp, 'a/tabkernel-capabilities.json'), { registries: ['loopback'] });
    expect(policyFiles({ TABKERNEL_POLICY: p, HOME: tmp })).toEqual({ policy: p, capabilities: c });
    expect(loadPolicy({ TABKERNEL_POLICY: p, HOME: tmp }).summary()).toBe(`${p}: default reject; capabilities: ${c}`);
  });

  it('are ~/.config/containers/policy.json before /etc/containers', () => {
    const home = path.join(tmp, 'home');
    const p = write(path.join(home, '.config/containers/policy.json'), { default: [{ type: 'insecureAcceptAnything' }] });
    expect(policyFiles({ HOME: home })).toMatchObject({ policy: p });
  });

  it('take $TABKERNEL_CAPABILITIES over the file beside the policy', () => {
    const p = write(path.join(tmp, 'b/policy.json'), { default: [{ type: 'reject' }] });
    write(path.join(tmp, 'b/tabkernel-capabilities.json'), {});
    const c = write(path.join(tmp, 'elsewhere.json'), { programs: { mounts: [] } });
    expect(loadCapabilities({ TABKERNEL_POLICY: p, TABKERNEL_CAPABILITIES: c, HOME: tmp })).toMatchObject({ file: c });
  });

  it('fail when a file named by the environment is missing or invalid, naming it', () => {
    expect(() => loadPolicy({ TABKERNEL_POLICY: path.join(tmp, 'none.json'), HOME: tmp })).toThrow(/\$TABKERNEL_POLICY names .*none\.json, which is not a file/);
    const bad = write(path.join(tmp, 'c/policy.json'), { default: [{ type: 'sigstoreSigned' }] });
    expect(() => loadPolicy({ TABKERNEL_POLICY: bad, HOME: tmp })).toThrow(new RegExp(`^policy: ${bad}: "default"\\[0\\]: exactly one of keyPath`));
    const caps = write(path.join(tmp, 'd/caps.json'), { mounts: [] });
    expect(() => loadCapabilities({ TABKERNEL_CAPABILITIES: caps, HOME: tmp })).toThrow(/the top level: unknown field "mounts"/);
  });

  it('are served to the page with their key files inlined as keyData', () => {
    const key = path.join(tmp, 'e/k.pub');
    fs.mkdirSync(path.dirname(key), { recursive: true });
    fs.writeFileSync(key, 'PEM');
    const p = write(path.join(tmp, 'e/policy.json'), {
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { docker: { 'r.io': [{ type: 'sigstoreSigned', keyPath: key }], 'q.io': [{ type: 'sigstoreSigned', keyPaths: [key, key] }], 's.io': [{ type: 'sigstoreSigned', keyPath: '/none' }] } },
    });
    const served = JSON.parse(servedPolicy({ TABKERNEL_POLICY: p, HOME: tmp }).policy!);
    expect(served.transports.docker['r.io']).toEqual([{ type: 'sigstoreSigned', keyData: 'UEVN' }]);
    expect(served.transports.docker['q.io']).toEqual([{ type: 'sigstoreSigned', keyDatas: ['UEVN', 'UEVN'] }]);
    expect(served.transports.docker['s.io']).toEqual([{ type: 'sigstoreSigned', keyPath: '/none' }]);
  });
});
