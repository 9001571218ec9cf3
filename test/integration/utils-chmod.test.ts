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
