// The shell's `image` command (userland/bin/image.c over tk_image and
// tk_container, kernel/syscall/image.ts), in a kernel of the CLI: pull, ls,
// inspect, rm, and `image run`, whose process becomes a container's first and
// stays the shell's child — pipes, stdin, signals and exit statuses pass as
// for any command. Against Debian's docker-registry, images made by umoci.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppImage, type AppImage } from '../support/app-image.js';
import type { TestRegistry } from '../support/registry.js';
import { run } from './wasi-cli.js';

let app: AppImage | undefined;
let reg: TestRegistry;
let dir: string;
let ref: string;

function sh(script: string, input = '') {
  const r = run('sh', ['-c', script], { input, hostEnv: { ...process.env, TABKERNEL_CACHE: path.join(dir, 'cache') }, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  app = await startAppImage('tk-image-sh-', ['sh', 'cat', 'echo', 'ls', 'sleep', 'kill']);
  ({ reg, dir, ref } = app);
}, 60_000);

afterAll(() => app?.stop());

describe('the shell’s image command', () => {
  it('pulls with progress, lists and inspects', () => {
    const r = sh(`image pull ${ref} && image ls && image inspect ${ref} | grep -c WorkingDir`);
    expect(r.err).toMatch(new RegExp(`^pulling ${ref}\n(layer \\d/7 [0-9a-f]{12}: [\\d.]+ MB, [\\d.]+ MB/s\n){7}$`));
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${reg.host}/tk/app:1: ${lines[0].split(': ')[1]}`);
    expect(lines[0]).toMatch(/: sha256:[0-9a-f]{64}$/);
    expect(lines[1]).toMatch(/^REFERENCE +DIGEST +KIND +SIZE$/);
    expect(lines[2]).toMatch(new RegExp(`^${reg.host}/tk/app:1 +[0-9a-f]{12} +image +[\\d.]+ MB$`));
    expect(lines[3]).toBe('1');
    expect(r.status).toBe(0);
  });

  it('runs a container as a child of the shell: Cmd, WorkingDir, Env, arguments, -e', () => {
    const r = sh(`image run ${ref}; image run ${ref} 'echo $GREETING; pwd; ls /'; image run -e GREETING=yo ${ref} 'echo $GREETING'; echo rc=$?`);
    expect(r.err).toBe('');
    expect(r.out).toBe('hello from the image\nhi\n/etc\nbin\ndev\netc\nproc\nyo\nrc=0\n');
  });

  it('passes pipes, stdin and exit statuses; a container sees only its own processes', () => {
    const r = sh(`echo $$; echo piped | image run ${ref} cat | image run ${ref} 'cat; exit 3'; echo rc=$?; image run ${ref} 'echo $$; ls /proc'; true`);
    const [outer, piped, rc, inner, ...proc] = r.out.trim().split('\n');
    expect([piped, rc]).toEqual(['piped', 'rc=3']);
    // The container's /proc: its own shell (and ls), none of the processes outside.
    expect(proc).toContain(inner);
    expect(proc).not.toContain(outer);
    expect(proc.filter((e) => /^\d+$/.test(e)).length).toBeLessThanOrEqual(2);
    expect(proc).toEqual(expect.arrayContaining(['meminfo', 'mounts']));
  });

  it('lets the shell signal a container in the background, and wait for it', () => {
    const r = sh(`image run ${ref} 'sleep 100' & sleep 0.5; kill $!; wait $!; echo status=$?`);
    expect(r.out).toBe('status=143\n');
  });

  it('says what failed, with status 125 (run) or 1', () => {
    const r = sh(`image run ${reg.host}/tk/nothing:1; echo rc=$?; image run --entrypoint /bin/nope ${ref}; echo rc=$?; image inspect nope/x:1; echo rc=$?`);
    expect(r.out).toBe('rc=125\nrc=125\nrc=1\n');
    expect(r.err).toMatch(/^image: .*tk\/nothing:1: .*(tk\/nothing|not found|unknown)/im);
    expect(r.err).toMatch(/^image: .*tk\/app:1: \/bin\/nope: not found in the image$/m);
    expect(r.err).toMatch(/^image: no image nope\/x:1 in the store$/m);
  });

  it('removes an image', () => {
    const r = sh(`image rm ${ref} | head -n 1; image ls | grep -c tk/app`);
    expect(r.out).toBe(`Untagged: ${ref}\n0\n`);
  });
});
