// An image overlay (kernel/fs/overlay.ts) mounted on /mnt of a real kernel:
// the shell and the utilities reach it through the syscalls (path_open,
// fd_readdir, path_rename, path_unlink_file…), so what they print is what
// programs see of whiteouts, opaque directories, copy-up and EXDEV.
import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../../kernel/abi/errno.js';
import { MemFs } from '../../kernel/fs/memfs.js';
import { Overlay } from '../../kernel/fs/overlay.js';
import type { LayerTree } from '../../kernel/fs/layer.js';
import type { LayerEntry } from '../../kernel/image/entry.js';
import { unpackLayer } from '../../kernel/image/unpack.js';
import { captureKernel } from '../support/kernel.js';
import { dir, file, hardlink, opaque, symlink, whiteout } from '../support/layers.js';

// Bottom first. L2 deletes etc/group and makes var/log opaque; L3 deletes usr/bin/ls.
const LAYERS: LayerEntry[][] = [
  [
    dir('etc'), file('etc/passwd', 'root:x:0:0\n'), file('etc/group', 'root:x:0:\n'), file('etc/hosts', '127.0.0.1 localhost\n'),
    dir('var'), dir('var/log'), file('var/log/old', 'old\n'), dir('usr'), dir('usr/bin'),
    file('usr/bin/ls', 'LS\n'), file('usr/bin/cat', 'CAT\n'), hardlink('usr/bin/cat2', 'usr/bin/cat'),
  ],
  [whiteout('etc/group'), opaque('var/log'), file('var/log/new', 'new\n'), symlink('etc/localtime', 'hosts')],
  [whiteout('usr/bin/ls'), file('usr/bin/sh', 'SH\n')],
];

async function layers(): Promise<LayerTree[]> {
  const out: LayerTree[] = [];
  for (const entries of LAYERS) {
    const t = await unpackLayer(entries);
    if (isErr(t)) throw new Error(`unpack: ${t.errno}`);
    out.push(t);
  }
  return out;
}

/** A kernel with an overlay of LAYERS on /mnt; `sh` runs one command line and gives its output and status. */
async function mounted(lowers?: LayerTree[]) {
  const k = captureKernel();
  const upper = new MemFs();
  upper.useBudget(k.kernel.budget); // an upper is bounded like any in-memory file system (else statvfs has no size)
  const ov = new Overlay(lowers ?? (await layers()), upper);
  expect(k.kernel.vfs.mount('/mnt', ov.root, 'overlay', 'test')).toBe(Errno.SUCCESS);
  const sh = async (cmd: string) => {
    k.clear();
    const notice = await k.kernel.boot.run({ type: 'run', argv: ['sh', '-c', cmd], env: [], cwd: '/', mounts: [] });
    return { out: k.stdout(), err: k.stderr(), status: notice.status };
  };
  return { ov, sh };
}

describe('an overlay mounted in the kernel', () => {
  it('lists merged directories and reads through whiteouts and opaque directories', async () => {
    const { sh } = await mounted();
    expect(await sh('ls /mnt; ls /mnt/etc; ls /mnt/usr/bin; ls /mnt/var/log; cat /mnt/etc/localtime')).toEqual({
      out: 'etc\nusr\nvar\n' + 'hosts\nlocaltime\npasswd\n' + 'cat\ncat2\nsh\n' + 'new\n' + '127.0.0.1 localhost\n',
      err: '', status: 0,
    });
    const r = await sh('cat /mnt/etc/group; cat /mnt/var/log/old');
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/etc\/group: No such file or directory[\s\S]*var\/log\/old: No such file or directory/);
  });

  it('copies a file up when the shell writes it, and leaves the layers as they were', async () => {
    const lowers = await layers();
    const { ov, sh } = await mounted(lowers);
    expect(await sh('echo changed > /mnt/etc/hosts; echo more >> /mnt/etc/passwd; echo new > /mnt/etc/motd; cat /mnt/etc/hosts /mnt/etc/passwd /mnt/etc/motd')).toEqual({
      out: 'changed\nroot:x:0:0\nmore\nnew\n', err: '', status: 0,
    });
    expect(ov.changes().map((c) => `${c.kind} ${c.path}`)).toEqual(['dir ', 'dir etc', 'file etc/hosts', 'file etc/motd', 'file etc/passwd']);
    const other = await mounted(lowers);
    expect((await other.sh('cat /mnt/etc/hosts; ls /mnt/etc')).out).toBe('127.0.0.1 localhost\nhosts\nlocaltime\npasswd\n');
  });

  it('removes lower files and directories with whiteouts, and mkdir over one gives an empty directory', async () => {
    const { ov, sh } = await mounted();
    expect(await sh('rm /mnt/etc/passwd && rm -r /mnt/var/log && mkdir /mnt/var/log && ls -A /mnt/var/log && ls /mnt/etc /mnt/var')).toEqual({
      out: '/mnt/etc:\nhosts\nlocaltime\n\n/mnt/var:\nlog\n', err: '', status: 0,
    });
    const changes = ov.changes();
    expect(changes).toContainEqual({ path: 'etc/passwd', kind: 'whiteout' });
    expect(changes).toContainEqual(expect.objectContaining({ path: 'var/log', kind: 'dir', opaque: true }));
  });

  it('renames lower files with a whiteout left behind, and moves lower directories by copying (EXDEV)', async () => {
    const { ov, sh } = await mounted();
    expect(await sh('mv /mnt/etc/hosts /mnt/hosts && mv /mnt/usr /mnt/usr2 && ls /mnt /mnt/usr2/bin && cat /mnt/hosts')).toEqual({
      out: '/mnt:\netc\nhosts\nusr2\nvar\n\n/mnt/usr2/bin:\ncat\ncat2\nsh\n127.0.0.1 localhost\n', err: '', status: 0,
    });
    // Removing usr/bin and then usr took their children's whiteouts with them: one for usr is enough.
    expect(ov.changes().filter((c) => c.kind === 'whiteout').map((c) => c.path).sort()).toEqual(['etc/hosts', 'usr']);
  });

  it('answers POSIX errors to the utilities: ENOTEMPTY, EEXIST, and hard links copy up first', async () => {
    const { sh } = await mounted();
    const r = await sh('rmdir /mnt/etc; mkdir /mnt/etc; ln /mnt/etc/passwd /mnt/pw && stat -c "%h %i" /mnt/pw /mnt/etc/passwd && stat -c %h /mnt/usr/bin/cat');
    expect(r.err).toMatch(/rmdir: .*etc.*Directory not empty/);
    expect(r.err).toMatch(/mkdir: .*etc.*File exists/);
    const [pw, passwd, cat] = r.out.trim().split('\n');
    expect(pw).toBe(passwd);                // one inode, two links
    expect(pw.split(' ')[0]).toBe('2');
    expect(cat).toBe('2');                  // a hard link inside a layer
  });

  it('reports the upper\'s space in df and its own device in stat', async () => {
    const { sh } = await mounted();
    const r = await sh('df -T /mnt | tail -n 1; stat -c %d /mnt/etc/hosts /mnt/usr/bin/cat');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^test\s+overlay\s/);
    const [a, b] = r.out.trim().split('\n').slice(1);
    expect(a).toBe(b);
  });
});
