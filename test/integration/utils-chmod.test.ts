// chmod and the permission bits stat reports (kernel/syscall/mode.ts, userland/libc/stat.c).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';

function sh(script: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'run', ...args, 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('chmod', () => {
  it('sets octal modes, and stat and ls show them', () => {
    const r = sh('echo x > /tmp/f; chmod 640 /tmp/f; stat -c "%a %A" /tmp/f; ls -l /tmp/f | cut -c1-10');
    expect(r.stdout).toBe('640 -rw-r-----\n-rw-r-----\n');
  });

  it('applies symbolic modes: who, +-=, copies from u/g/o, lists with commas', () => {
    const r = sh('echo x > /tmp/f; chmod 600 /tmp/f; chmod g+r,o=g /tmp/f; stat -c %a /tmp/f; chmod a-w,u+x /tmp/f; stat -c %a /tmp/f; chmod =rx /tmp/f; stat -c %a /tmp/f');
    expect(r.stdout).toBe('644\n544\n555\n');
  });

  it('recurses with -R and reports with -v', () => {
    const r = sh('mkdir -p /tmp/d/e; chmod -R go-rx /tmp/d; stat -c %a /tmp/d /tmp/d/e; echo y > /tmp/g; chmod -v 600 /tmp/g');
    expect(r.stdout).toBe("700\n700\nmode of '/tmp/g' changed from 0644 to 0600\n");
  });

  it('decides execution: exec needs an execute bit (126, Permission denied), and [ -x ] agrees', () => {
    const r = sh('printf "#!/bin/sh\\necho ran\\n" > /tmp/s; /tmp/s; echo "status $?"; [ -x /tmp/s ] || echo not-x; ' +
      'sh /tmp/s; chmod u+x /tmp/s; [ -x /tmp/s ] && echo is-x; /tmp/s; [ -x /tmp ] && echo dir-x');
    expect(r.stdout).toBe('status 126\nnot-x\nran\nis-x\nran\ndir-x\n');
    expect(r.stderr).toBe('sh: 1: /tmp/s: Permission denied\n');
  });

  it('honours the umask in symbolic modes without who, as POSIX says', () => {
    const r = sh('touch /tmp/f; chmod 644 /tmp/f; umask 077; chmod +x /tmp/f; stat -c %a /tmp/f; chmod a+x /tmp/f; stat -c %a /tmp/f; chmod -r /tmp/f; stat -c %a /tmp/f');
    expect(r.stdout).toBe('744\n755\n355\n');
  });

  it('fails with status 1 on an invalid mode or a missing file', () => {
    const bad = sh('chmod 999 /tmp');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("chmod: invalid mode: '999'\n");
    const missing = sh('chmod 644 /nope');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("chmod: cannot access '/nope': No such file or directory\n");
  });

  it('changes the mode of a file in a host directory on the host', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-chmod-'));
    fs.writeFileSync(path.join(dir, 'h'), 'x');
    fs.chmodSync(path.join(dir, 'h'), 0o644);
    const r = sh(`chmod 751 ${dir}/h; stat -c %a ${dir}/h`, ['--dir', dir]);
    expect(r.stdout).toBe('751\n');
    expect(fs.statSync(path.join(dir, 'h')).mode & 0o777).toBe(0o751);
  });
});

describe('creation modes', () => {
  it('new files take 0666 and directories 0777, less the umask (redirections, touch, mkdir)', () => {
    const r = sh('umask 022; echo x > /tmp/a; mkdir /tmp/b; umask 077; echo x > /tmp/c; touch /tmp/d; mkdir /tmp/e; umask 0; mkdir /tmp/f; stat -c "%a %n" /tmp/a /tmp/b /tmp/c /tmp/d /tmp/e /tmp/f');
    expect(r.stdout).toBe('644 /tmp/a\n755 /tmp/b\n600 /tmp/c\n600 /tmp/d\n700 /tmp/e\n777 /tmp/f\n');
  });

  it("open(2)'s and mkdir(2)'s mode argument: cp gives a copy the source's bits, so a copied program runs", () => {
    const r = sh('umask 022; cp /bin/echo /tmp/say; stat -c %a /tmp/say; /tmp/say ran; chmod 600 /tmp/say; cp /bin/echo /tmp/say; stat -c %a /tmp/say; ' +
      'mkdir /tmp/d; chmod 750 /tmp/d; cp -r /tmp/d /tmp/e; stat -c %a /tmp/e; umask 077; cp /bin/echo /tmp/q; stat -c %a /tmp/q');
    // An existing file keeps its mode when it is written over (open without creating).
    expect(r.stdout).toBe('755\nran\n600\n750\n700\n');
  });

  it('cp -p keeps the mode whatever the umask; mkdir -m sets it exactly, octal or symbolic', () => {
    const r = sh('umask 077; touch /tmp/f; chmod 754 /tmp/f; cp -p /tmp/f /tmp/g; mkdir -m 755 /tmp/d; mkdir -m u=rwx,go=x /tmp/e; mkdir -p -m 701 /tmp/p/q; stat -c "%a %n" /tmp/g /tmp/d /tmp/e /tmp/p /tmp/p/q; mkdir -m nonsense /tmp/z');
    expect(r.stdout).toBe('754 /tmp/g\n755 /tmp/d\n711 /tmp/e\n700 /tmp/p\n701 /tmp/p/q\n');
    expect(r.stderr).toBe("mkdir: invalid mode 'nonsense'\n");
  });
});
