// Containers (issue 11): a process tree whose root is an image's overlay, in
// a mount namespace of its own (fs/namespace.ts, image/containers.ts).
// The image here is made of hand-made layers holding real programs of the
// root image (sh, ls, cat…); its processes must see the image and nothing of
// the root image, write into their own upper only, and share the kernel's
// pipes, /proc and signals as any process does.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErr } from '../../kernel/abi/errno.js';
import type { LayerTree } from '../../kernel/fs/layer.js';
import { MemFs } from '../../kernel/fs/memfs.js';
import type { MountNamespace } from '../../kernel/fs/namespace.js';
import { Overlay } from '../../kernel/fs/overlay.js';
import type { LayerEntry } from '../../kernel/image/entry.js';
import { unpackLayer } from '../../kernel/image/unpack.js';
import { captureKernel, root } from '../support/kernel.js';
import { dir, file, whiteout } from '../support/layers.js';

const bin = (name: string): LayerEntry => file(`bin/${name}`, fs.readFileSync(path.join(root, 'userland/rootfs/bin', name)), 0o755);
const PROGRAMS = ['sh', 'ls', 'cat', 'echo', 'rm', 'wc', 'sleep', 'kill'];

// Bottom first: programs and /etc, then a layer that removes /etc/motd and adds an app directory.
const LAYERS: LayerEntry[][] = [
  [dir('bin'), ...PROGRAMS.map(bin), dir('etc'), file('etc/os-release', 'NAME=tiny\n'), file('etc/motd', 'hello\n'), dir('tmp', 0o1777)],
  [whiteout('etc/motd'), dir('app'), file('app/data.txt', 'one\ntwo\nthree\n')],
];

async function image(): Promise<LayerTree[]> {
  const out: LayerTree[] = [];
  for (const entries of LAYERS) {
    const t = await unpackLayer(entries);
    if (isErr(t)) throw new Error(`unpack: errno ${t.errno}`);
    out.push(t);
  }
  return out;
}

/** A kernel, and a way to run a command line in a fresh container of `lowers` (or in the first namespace). */
function kernelWithContainers() {
  const k = captureKernel();
  const container = (lowers: LayerTree[]): { ns: MountNamespace; overlay: Overlay } => {
    const upper = new MemFs();
    upper.useBudget(k.kernel.budget);
    const overlay = new Overlay(lowers, upper);
    const ns = k.kernel.containers.namespace(overlay.root, 'test-image');
    if (ns instanceof Error) throw ns;
    return { ns, overlay };
  };
  const sh = async (cmd: string, ns?: MountNamespace, cwd = '/') => {
    k.clear();
    const notice = await k.kernel.boot.run({ type: 'run', argv: ['sh', '-c', cmd], env: ['PATH=/bin'], cwd, mounts: [] }, ns);
    return { out: k.stdout(), err: k.stderr(), status: notice.status, error: notice.error };
  };
  return { k, container, sh };
}

describe('containers', () => {
  it("run the image's programs on its overlay, and see nothing of the root image", async () => {
    const { container, sh } = kernelWithContainers();
    const { ns } = container(await image());
    const r = await sh('cat /etc/os-release; ls /; ls /etc; wc -l < /app/data.txt; ls /usr/bin 2>&1; echo status=$?', ns);
    expect(r.err).toBe('');
    expect(r.out).toBe([
      'NAME=tiny', 'app', 'bin', 'dev', 'etc', 'proc', 'tmp', 'os-release', '3',
      "ls: cannot access '/usr/bin': No such file or directory", 'status=2', '',
    ].join('\n'));
    expect(r.status).toBe(0);
  });

  it('write into their own upper: the image and other containers are unchanged', async () => {
    const { container, sh } = kernelWithContainers();
    const lowers = await image();
    const a = container(lowers);
    const b = container(lowers);
    expect((await sh('echo mine > /app/data.txt; rm /etc/os-release; echo new > /tmp/t; cat /app/data.txt', a.ns)).out).toBe('mine\n');
    expect((await sh('cat /app/data.txt; cat /etc/os-release; ls /tmp', b.ns)).out).toBe('one\ntwo\nthree\nNAME=tiny\n');
    // The first container's changes are in its upper alone, as whiteouts and files.
    const changed = a.overlay.changes().map((c) => `${c.kind} ${c.path}`);
    expect(changed).toEqual(expect.arrayContaining(['file app/data.txt', 'whiteout etc/os-release', 'file tmp/t']));
    expect(b.overlay.changes().filter((c) => c.kind !== 'dir')).toEqual([]);
  });

  it('keep the first namespace apart: files written in a container are not in the root image, and back', async () => {
    const { container, sh } = kernelWithContainers();
    const { ns } = container(await image());
    await sh('echo from-root > /tmp/root-file', undefined);
    const inside = await sh('echo inside > /inside; ls /tmp; cat /tmp/root-file 2>&1', ns);
    expect(inside.out).toBe('cat: /tmp/root-file: No such file or directory\n');
    const outside = await sh('cat /inside 2>&1; cat /tmp/root-file');
    expect(outside.out).toBe('cat: /inside: No such file or directory\nfrom-root\n');
  });

  it('start in WorkingDir, find programs on PATH, and get a /dev and /proc of their own mounts', async () => {
    const { container, sh } = kernelWithContainers();
    const { ns } = container(await image());
    const r = await sh('ls; echo x > /dev/null && echo devnull; cat /proc/$$/mounts', ns, '/app');
    expect(r.err).toBe('');
    expect(r.out).toBe('data.txt\ndevnull\ntest-image / overlay rw 0 0\ntmpfs /dev tmpfs rw 0 0\nproc /proc proc rw 0 0\n');
  });

  it('run pipelines and background jobs, and signals reach them', async () => {
    const { container, sh } = kernelWithContainers();
    const { ns } = container(await image());
    const r = await sh('cat /app/data.txt | wc -l; sleep 100 & kill $!; wait $!; echo "status=$?"', ns);
    expect(r.out).toBe('3\nstatus=143\n');
  });

  it('say when the program is not in the image', async () => {
    const { k, container } = kernelWithContainers();
    const { ns } = container(await image());
    const notice = await k.kernel.boot.run({ type: 'run', argv: ['grep', 'x'], env: ['PATH=/bin'], cwd: '/', mounts: [] }, ns);
    expect(notice.status).toBe(127);
    expect(notice.error).toMatch(/grep: command not found/);
  });
});
