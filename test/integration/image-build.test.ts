// `tabkernel image build` (issue 12) end to end, through the CLI: the
// project's own root image built from userland/Dockerfile — FROM scratch,
// COPY of userland/rootfs, a RUN that runs the image's sh and utilities inside
// tabkernel — twice and in a fresh cache to one digest, then with a changed
// file (another digest, the earlier layer from the cache); the RUN's layer
// read back with GNU tar (a whiteout), the image run; `--output oci:DIR` read
// by skopeo and umoci (a replaced directory as an opaque one, which umoci
// applies); multi-stage builds, build arguments, a FROM pulled from
// a registry (Debian's docker-registry on loopback, the image made by umoci);
// the failures; and the shell's `image build` in a kernel, which must give
// the digest the CLI gives for the same context, and stops when its caller ends.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppImage, type AppImage } from '../support/app-image.js';
import { root } from '../support/kernel.js';
import { run } from './wasi-cli.js';

const cli = path.join(root, 'bin/tabkernel.js');
const ROOTFS_REF = 'localhost/tk/rootfs:1';

let dir: string;
/** The cache the rootfs builds share. */
let cache: string;
let rootfsDigest = '';

function tabkernel(args: string[], o: { cache?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, TABKERNEL_CACHE: o.cache ?? cache, SOURCE_DATE_EPOCH: '' }, cwd: o.cwd ?? root, timeout: 120_000, maxBuffer: 64 << 20,
  });
  return { status: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** `tabkernel image build ARGS`, which must succeed; the digest it printed, and its progress. */
function build(args: string[], o: { cache?: string; cwd?: string } = {}): { digest: string; err: string } {
  const r = tabkernel(['image', 'build', ...args], o);
  expect(r.status, r.err).toBe(0);
  const m = /: (sha256:[0-9a-f]{64})\n$/.exec(r.out) ?? /^(sha256:[0-9a-f]{64})\n$/.exec(r.out);
  expect(m, r.out).not.toBeNull();
  return { digest: (m as RegExpExecArray)[1], err: r.err };
}

/** The progress lines of the step titled `title`: from its title to its CACHED, DONE or ERROR. */
function step(err: string, title: string): string[] {
  const lines = err.split('\n');
  const start = lines.findIndex((l) => /^#\d+ /.test(l) && l.endsWith(title));
  expect(start, `no step "${title}" in:\n${err}`).toBeGreaterThanOrEqual(0);
  const n = lines[start].split(' ')[0];
  const out: string[] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith(`${n} `)) break;
    out.push(l.slice(n.length + 1));
  }
  return out;
}

/** A context directory made of `files` (a string: its text, mode 0644; [bytes, mode]; '->target': a symlink). */
function context(name: string, files: Record<string, string | [Uint8Array | string, number]>): string {
  const ctx = path.join(dir, name);
  for (const [p, v] of Object.entries(files)) {
    const full = path.join(ctx, p);
    fs.mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    if (typeof v === 'string' && v.startsWith('->')) fs.symlinkSync(v.slice(2), full);
    else {
      const [data, mode] = typeof v === 'string' ? [v, 0o644] : v;
      fs.writeFileSync(full, data);
      fs.chmodSync(full, mode);
    }
  }
  return ctx;
}
const bin = (name: string): [Uint8Array, number] => [fs.readFileSync(path.join(root, 'userland/rootfs/bin', name)), 0o755];

/** The layers of image `ref` in store `cacheDir`: the manifest's descriptors. */
function manifestOf(ref: string, cacheDir = cache): { layers: Array<{ digest: string }>; config: { digest: string } } {
  const index = JSON.parse(fs.readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
  const d = index.manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === ref);
  expect(d, `no ${ref} in the store`).toBeDefined();
  return JSON.parse(fs.readFileSync(path.join(cacheDir, 'blobs/sha256', d!.digest.slice(7)), 'utf8'));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-image-build-'));
  cache = path.join(dir, 'cache');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tabkernel image build: the userland root image', () => {
  it('builds userland/Dockerfile twice, and in an empty cache, to the same manifest digest; the rebuild runs nothing', () => {
    const first = build(['-t', ROOTFS_REF, 'userland']);
    expect(step(first.err, 'RUN echo "$GREETING ($(uname -s))." > /etc/motd  && rm /bin/image')).toEqual([
      expect.stringMatching(/^\[4\/4\] RUN /), expect.stringMatching(/^layer sha256:[0-9a-f]{64} [\d.]+MB$/), expect.stringMatching(/^DONE [\d.]+s$/),
    ]);
    const second = build(['-t', ROOTFS_REF, 'userland']);
    expect(second.digest).toBe(first.digest);
    // Every layer from the cache: the RUN did not run.
    for (const title of ['COPY rootfs/bin/ /bin/', 'COPY rootfs/etc/ /etc/', '> /etc/motd  && rm /bin/image']) expect(step(second.err, title).slice(1)).toEqual(['CACHED']);
    const fresh = build(['-t', ROOTFS_REF, 'userland'], { cache: path.join(dir, 'fresh-cache') });
    expect(fresh.digest).toBe(first.digest);
    expect(fresh.err).not.toMatch(/CACHED/);
    rootfsDigest = first.digest;
    console.log(`  info userland/Dockerfile: ${first.digest} (first build), ${second.digest} (rebuild), ${fresh.digest} (empty cache)`);
  });

  it('builds a changed context to another digest, reusing the layers before the change', () => {
    const ctx = path.join(dir, 'userland-copy');
    fs.mkdirSync(ctx);
    for (const f of ['Dockerfile', '.dockerignore', 'rootfs']) fs.cpSync(path.join(root, 'userland', f), path.join(ctx, f), { recursive: true, verbatimSymlinks: true });
    // A copy elsewhere is the same context.
    expect(build(['-t', 'localhost/tk/rootfs:copy', ctx]).digest).toBe(rootfsDigest);
    fs.appendFileSync(path.join(ctx, 'rootfs/etc/passwd'), 'app:x:1000:1000::/home/app:/bin/sh\n');
    const changed = build(['-t', 'localhost/tk/rootfs:changed', ctx]);
    expect(changed.digest).not.toBe(rootfsDigest);
    expect(step(changed.err, 'COPY rootfs/bin/ /bin/').slice(1)).toEqual(['CACHED']);
    expect(step(changed.err, 'COPY rootfs/etc/ /etc/').at(-1)).toMatch(/^DONE /);
    expect(step(changed.err, '> /etc/motd  && rm /bin/image').at(-1)).toMatch(/^DONE /);
    const [a, b] = [manifestOf('localhost/tk/rootfs:1'), manifestOf('localhost/tk/rootfs:changed')];
    expect(b.layers[0].digest).toBe(a.layers[0].digest);
    expect(b.layers[1].digest).not.toBe(a.layers[1].digest);
  });

  it('writes the RUN\'s deletion as a whiteout in its layer, next to what it made (read by GNU tar)', () => {
    const m = manifestOf(ROOTFS_REF);
    expect(m.layers).toHaveLength(3);
    const blob = path.join(cache, 'blobs/sha256', m.layers[2].digest.slice(7));
    const r = spawnSync('tar', ['--numeric-owner', '-tvzf', blob], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const entries = r.stdout.trim().split('\n').map((l) => l.replace(/ +/g, ' '));
    expect(entries).toEqual([
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 bin/',
      '---------- 0/0 0 1970-01-01 00:00 bin/.wh.image',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/',
      expect.stringMatching(/^-rw-r--r-- 0\/0 \d+ 1970-01-01 00:00 etc\/motd$/),
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 root/',
    ]);
  });

  it('runs: image ls lists it, tabkernel run REF shows what the RUN made and not what it removed', () => {
    expect(tabkernel(['image', 'ls']).out).toMatch(/^localhost\/tk\/rootfs:1 +[0-9a-f]{12} +image +[\d.]+ MB$/m);
    expect(tabkernel(['run', ROOTFS_REF, 'cat', '/etc/motd'])).toMatchObject({ status: 0, out: 'Welcome to tabkernel (wasi).\n' });
    const r = tabkernel(['run', ROOTFS_REF, 'sh', '-c', 'test -e /bin/image || echo no image; pwd; echo $HOME; ls /etc']);
    expect(r).toMatchObject({ status: 0, out: 'no image\n/root\n/root\ngroup\nmotd\npasswd\n' });
  });

  it('writes --output oci:DIR as an OCI layout that skopeo inspects and umoci unpacks', () => {
    const layout = path.join(dir, 'layout');
    const r = build(['-t', ROOTFS_REF, '--output', `oci:${layout}`, 'userland']);
    expect(r.digest).toBe(rootfsDigest);
    const inspect = spawnSync('skopeo', ['inspect', `oci:${layout}:1`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    const info = JSON.parse(inspect.stdout);
    expect(info).toMatchObject({ Digest: rootfsDigest, Os: 'wasi', Architecture: 'wasm', Created: '1970-01-01T00:00:00Z' });
    expect(info.Layers).toEqual(manifestOf(ROOTFS_REF).layers.map((l) => l.digest));
    expect(info.Env).toEqual(['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'PS1=$ ']);
    const ls = spawnSync('umoci', ['ls', '--layout', layout], { encoding: 'utf8' });
    expect(ls.stdout.trim()).toBe('1');
    // umoci unpack refuses a config for another OS than linux; raw unpack writes the root file system alone.
    const rootfs = path.join(dir, 'unpacked');
    const u = spawnSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:1`, rootfs], { encoding: 'utf8' });
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readFileSync(path.join(rootfs, 'etc/motd'), 'utf8')).toBe('Welcome to tabkernel (wasi).\n');
    expect(fs.existsSync(path.join(rootfs, 'bin/image'))).toBe(false);
    expect(fs.readFileSync(path.join(rootfs, 'bin/sh')).equals(fs.readFileSync(path.join(root, 'userland/rootfs/bin/sh')))).toBe(true);
    expect(fs.readlinkSync(path.join(rootfs, 'bin/['))).toBe('test');
    expect(fs.statSync(path.join(rootfs, 'root')).isDirectory()).toBe(true);
  });
});

describe('tabkernel image build: stages, arguments and failures', () => {
  const TOOLS = { 'tools/sh': bin('sh'), 'tools/cat': bin('cat'), 'tools/echo': bin('echo'), 'tools/mkdir': bin('mkdir'), 'tools/ls': bin('ls') };

  it('copies from an earlier stage (COPY --from), with ARGs before FROM, build args and ${VAR:-default}', () => {
    const ctx = context('multi', {
      ...TOOLS,
      Dockerfile: [
        'ARG BASE=scratch',
        'FROM ${BASE} AS builder',
        'ARG WHO=nobody',
        'COPY tools/ /bin/',
        'ENV OUT=/out',
        'RUN mkdir -p $OUT && echo "built by $WHO" > $OUT/result && echo left behind > $OUT/junk',
        'RUN ["/bin/sh", "-c", "echo exec form > /out/exec"]',
        '',
        'FROM $BASE',
        'COPY --from=builder /bin/sh /bin/cat /bin/ls /bin/',
        'COPY --from=builder ${OUT:-/out}/result /etc/',
        'LABEL org.example.who="$WHO" org.example.stage=final',
        'EXPOSE 8080 53/udp',
        'USER 1000:1000',
        'CMD ["/bin/sh", "-c", "cat /etc/result; ls /"]',
      ].join('\n'),
    });
    const r = build(['-t', 'localhost/tk/multi:1', '--build-arg', 'WHO=the test', ctx]);
    expect(r.err).toMatch(/\[builder 3\/4\] RUN mkdir -p \$OUT/);
    expect(r.err).toMatch(/\[stage-1 3\/3\] COPY --from=builder \$\{OUT:-\/out\}\/result \/etc\//);
    expect(tabkernel(['run', 'localhost/tk/multi:1'])).toMatchObject({ status: 0, out: 'built by the test\nbin\ndev\netc\nproc\n' });
    expect(manifestOf('localhost/tk/multi:1').layers).toHaveLength(2);
    // WHO is the builder's ARG, not this stage's: the label gets nothing.
    const config = JSON.parse(tabkernel(['image', 'inspect', 'localhost/tk/multi:1']).out).config;
    expect(config.config).toMatchObject({
      User: '1000:1000', ExposedPorts: { '53/udp': {}, '8080/tcp': {} }, Labels: { 'org.example.stage': 'final', 'org.example.who': '' },
      Cmd: ['/bin/sh', '-c', 'cat /etc/result; ls /'],
    });
    // --target: that stage alone.
    const t = build(['-t', 'localhost/tk/multi:builder', '--target', 'builder', '--build-arg', 'WHO=the test', ctx]);
    expect(t.err).not.toMatch(/stage-1/);
    expect(tabkernel(['run', 'localhost/tk/multi:builder', 'cat', '/out/result', '/out/junk', '/out/exec']).out).toBe('built by the test\nleft behind\nexec form\n');
  });

  it('writes a directory a RUN replaced as an opaque directory, which umoci applies', () => {
    const ctx = context('opaque', {
      ...TOOLS, 'tools/rm': bin('rm'), 'd/a': 'a\n', 'd/sub/b': 'b\n', 'keep/k': 'k\n',
      Dockerfile: 'FROM scratch\nCOPY tools/ /bin/\nCOPY . /\nRUN rm -r /d && mkdir /d && echo only > /d/only && rm /keep/k\n',
    });
    const layout = path.join(dir, 'opaque-layout');
    build(['-t', 'localhost/tk/opaque:1', '--output', `oci:${layout}`, ctx]);
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    const last = path.join(layout, 'blobs/sha256', manifest.layers.at(-1).digest.slice(7));
    const listing = spawnSync('tar', ['-tzf', last], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing).toEqual(['d/', 'd/.wh..wh..opq', 'd/only', 'keep/', 'keep/.wh.k']);
    const rootfs = path.join(dir, 'opaque-rootfs');
    const u = spawnSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:1`, rootfs], { encoding: 'utf8' });
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readdirSync(path.join(rootfs, 'd'))).toEqual(['only']);
    expect(fs.readdirSync(path.join(rootfs, 'keep'))).toEqual([]);
  });

  it('fails a RUN that exits non-zero with its step and status, its output shown, nothing tagged', () => {
    const ctx = context('failing', { ...TOOLS, Dockerfile: 'FROM scratch\nCOPY tools/ /bin/\nRUN echo before; exit 3\nCMD ["/bin/sh"]\n' });
    const r = tabkernel(['image', 'build', '-t', 'localhost/tk/failing:1', ctx]);
    expect(r.status).toBe(1);
    expect(step(r.err, 'RUN echo before; exit 3')).toEqual([
      '[3/3] RUN echo before; exit 3',
      expect.stringMatching(/^[\d.]+ before$/),
      'ERROR: [3/3] RUN echo before; exit 3 (Dockerfile:3): process "/bin/sh -c echo before; exit 3" did not complete successfully: exit code: 3',
    ]);
    expect(r.err.trim().split('\n').at(-1)).toBe('tabkernel: [3/3] RUN echo before; exit 3 (Dockerfile:3): process "/bin/sh -c echo before; exit 3" did not complete successfully: exit code: 3');
    expect(tabkernel(['image', 'inspect', 'localhost/tk/failing:1']).status).toBe(1);
  });

  it('names the line of an unknown instruction, and of a missing source', () => {
    const ctx = context('unknown', { Dockerfile: 'FROM scratch\n# comment\nFROBNICATE --hard\n' });
    const r = tabkernel(['image', 'build', ctx]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^tabkernel: Dockerfile:3: unknown instruction FROBNICATE \(tabkernel builds FROM, RUN, COPY, /m);
    const missing = context('missing', { Dockerfile: 'FROM scratch\nCOPY nothing-here /x\n' });
    expect(tabkernel(['image', 'build', missing]).err).toMatch(/^tabkernel: \[2\/2\] COPY nothing-here \/x \(Dockerfile:2\): "nothing-here" not found in the build context$/m);
  });

  it('says what is wrong with its arguments, with status 2', () => {
    const r = tabkernel(['image', 'build', '--output', 'docker', '.']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^tabkernel: --output docker: only oci:DIR/);
    // A bad -t fails before anything is built.
    const bad = tabkernel(['image', 'build', '-t', 'Bad Ref', 'userland']);
    expect(bad.status).toBe(1);
    expect(bad.err).toBe('tabkernel: -t Bad Ref: invalid image reference "Bad Ref": contains white space\n');
  });
});

describe('tabkernel image build: FROM an image of a registry', () => {
  let app: AppImage | undefined;
  beforeAll(async () => {
    app = await startAppImage('tk-image-build-from-', ['sh', 'cat', 'echo']);
  }, 60_000);
  afterAll(() => app?.stop());

  it('pulls the base into the store, keeps its layers, config and history, and adds its own', () => {
    const own = path.join(dir, 'from-cache');
    const ctx = context('from', { Dockerfile: `FROM ${app!.ref}\nRUN echo extended >> /etc/greeting\nENV GREETING=changed\n` });
    const r = build(['-t', 'localhost/tk/extended:1', ctx], { cache: own });
    expect(step(r.err, `FROM ${app!.ref}`)).toContainEqual(expect.stringMatching(new RegExp(`^resolve ${app!.ref.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64} done$`)));
    expect(step(r.err, `FROM ${app!.ref}`).filter((l) => / pulled$/.test(l)).length).toBe(4);
    // The base's Entrypoint, Cmd and WorkingDir (/etc) hold; its Env is changed by the ENV.
    expect(tabkernel(['run', 'localhost/tk/extended:1'], { cache: own })).toMatchObject({ status: 0, out: 'hello from the image\nextended\n' });
    expect(tabkernel(['run', 'localhost/tk/extended:1', 'echo $GREETING'], { cache: own }).out).toBe('changed\n');
    const img = JSON.parse(tabkernel(['image', 'inspect', 'localhost/tk/extended:1'], { cache: own }).out);
    expect(img.layers).toHaveLength(5);
    expect(img.config.history.at(-1)).toMatchObject({ created_by: 'ENV GREETING=changed', empty_layer: true });
  });
});

describe('the shell\'s image build', () => {
  /** The context the shell makes in the VFS, and the same made on the host. */
  const DOCKERFILE = 'FROM scratch\nCOPY bin/ /bin/\nCOPY hello.txt /etc/hello\nRUN echo "made by RUN" > /etc/made\nCMD ["/bin/cat", "/etc/hello", "/etc/made"]\n';

  it('builds a context of the VFS to the digest the CLI gives for the same context, and runs it', () => {
    const script = [
      'set -e', 'mkdir -p /tmp/ctx/bin', 'cd /tmp', 'cp /bin/sh /bin/cat ctx/bin/', "echo 'hello from the context' > ctx/hello.txt",
      `printf '${DOCKERFILE.replace(/\n/g, '\\n')}' > ctx/Dockerfile`,
      'image build -t x ctx', 'image run x',
    ].join('\n');
    const shellCache = path.join(dir, 'shell-cache');
    const r = run('sh', ['-c', script], { hostEnv: { ...process.env, TABKERNEL_CACHE: shellCache }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const m = /^docker\.io\/library\/x:latest: (sha256:[0-9a-f]{64})\nhello from the context\nmade by RUN\n$/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(r.stderr).toMatch(/^#\d+ \[4\/4\] RUN echo "made by RUN" > \/etc\/made$/m);
    const ctx = context('same', { 'bin/sh': bin('sh'), 'bin/cat': bin('cat'), 'hello.txt': 'hello from the context\n', Dockerfile: DOCKERFILE });
    expect(build(['-t', 'x', ctx], { cache: path.join(dir, 'host-cache') }).digest).toBe(m![1]);
  });

  it('stops when its caller ends: the RUN in progress is killed with it', () => {
    const script = [
      'mkdir -p /tmp/c/bin && cp /bin/sh /bin/sleep /tmp/c/bin/',
      'printf "FROM scratch\\nCOPY bin/ /bin/\\nRUN sleep 1000\\n" > /tmp/c/Dockerfile',
      'image build /tmp/c 2>/tmp/log &',
      // The RUN's sleep is a process of this kernel: ps lists it.
      "until ps | grep -q ' sleep$'; do :; done",
      'kill $!; wait $!; echo status=$?',
      "while ps | grep -q ' sleep$'; do :; done; echo no sleep left",
      'grep -c "RUN sleep 1000" /tmp/log',
    ].join('\n');
    const r = run('sh', ['-c', script], { hostEnv: { ...process.env, TABKERNEL_CACHE: path.join(dir, 'cancel-cache') }, timeout: 60_000 });
    expect(r.stdout).toBe('status=143\nno sleep left\n1\n');
  });
});
