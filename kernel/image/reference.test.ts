import { describe, expect, it } from 'vitest';
import { apiHost, formatReference, manifestReference, namesRegistry, parseReference, type Reference } from './reference.js';

const HEX = 'a'.repeat(64);

function parse(text: string): Reference {
  const ref = parseReference(text);
  if (ref instanceof Error) throw ref;
  return ref;
}

function error(text: string): string {
  const ref = parseReference(text);
  if (!(ref instanceof Error)) throw new Error(`parsed: ${JSON.stringify(ref)}`);
  return ref.message;
}

describe('parseReference', () => {
  it('puts a one-word name on Docker Hub under library/ with tag latest', () => {
    expect(parse('alpine')).toEqual({ registry: 'docker.io', repository: 'library/alpine', tag: 'latest' });
  });

  it('takes a one-word name of a built-in image as that image, and its canonical form back to it', () => {
    expect(parse('toolchain')).toEqual({ registry: 'builtin', repository: 'toolchain', tag: 'latest' });
    expect(parse('root:latest')).toEqual({ registry: 'builtin', repository: 'root', tag: 'latest' });
    expect(parse(formatReference(parse('toolchain')))).toEqual(parse('toolchain'));
  });

  it('keeps a built-in name written with a registry host on that registry', () => {
    expect(parse('docker.io/toolchain')).toEqual({ registry: 'docker.io', repository: 'library/toolchain', tag: 'latest' });
    expect(parse('localhost:5000/toolchain')).toEqual({ registry: 'localhost:5000', repository: 'toolchain', tag: 'latest' });
  });

  it('refuses a name under builtin/ that is no built-in image', () => {
    expect(error('builtin/nosuch')).toMatch(/no built-in image "nosuch" \(built-in: root, toolchain\)/);
  });

  it('keeps a Docker Hub user repository as written', () => {
    expect(parse('tk/hello:1.0')).toEqual({ registry: 'docker.io', repository: 'tk/hello', tag: '1.0' });
  });

  it('takes a first component with a dot as the registry', () => {
    expect(parse('ghcr.io/owner/img:v2')).toEqual({ registry: 'ghcr.io', repository: 'owner/img', tag: 'v2' });
  });

  it('takes a first component with a port as the registry, and does not read the port as a tag', () => {
    expect(parse('127.0.0.1:5000/tk/hand')).toEqual({ registry: '127.0.0.1:5000', repository: 'tk/hand', tag: 'latest' });
    expect(parse('myhost:5000/x:7')).toEqual({ registry: 'myhost:5000', repository: 'x', tag: '7' });
  });

  it('takes localhost as a registry, without library/', () => {
    expect(parse('localhost/app')).toEqual({ registry: 'localhost', repository: 'app', tag: 'latest' });
  });

  it('accepts a bracketed IPv6 registry', () => {
    expect(parse('[::1]:5000/app:1').registry).toBe('[::1]:5000');
  });

  it('reads a digest, with no default tag', () => {
    expect(parse(`alpine@sha256:${HEX}`)).toEqual({ registry: 'docker.io', repository: 'library/alpine', digest: `sha256:${HEX}` });
  });

  it('keeps both tag and digest when both are given', () => {
    const ref = parse(`localhost:5000/a:1@sha256:${HEX}`);
    expect(ref.tag).toBe('1');
    expect(ref.digest).toBe(`sha256:${HEX}`);
    expect(manifestReference(ref)).toBe(`sha256:${HEX}`);
  });

  it('normalizes index.docker.io to docker.io', () => {
    expect(parse('index.docker.io/library/busybox').registry).toBe('docker.io');
  });

  it('accepts the separators . _ __ and runs of -', () => {
    expect(parse('tk/a.b_c__d---e').repository).toBe('tk/a.b_c__d---e');
  });

  it('refuses an upper-case repository with a clear message', () => {
    expect(error('Alpine')).toMatch(/must be lowercase/);
  });

  it('refuses digests of other algorithms and malformed sha256 digests', () => {
    expect(error(`a@sha512:${HEX}${HEX}`)).toMatch(/only sha256/);
    expect(error('a@sha256:abc')).toMatch(/malformed digest/);
    expect(error(`a@sha256:${'A'.repeat(64)}`)).toMatch(/malformed digest/);
  });

  it('refuses a malformed tag', () => {
    expect(error('a:-x')).toMatch(/malformed tag/);
    expect(error(`a:${'t'.repeat(129)}`)).toMatch(/malformed tag/);
  });

  it('refuses empty text, white space, an empty repository and bad components', () => {
    expect(error('')).toMatch(/empty/);
    expect(error('a b')).toMatch(/white space/);
    expect(error('localhost:5000/')).toMatch(/no repository/);
    expect(error('a//b')).toMatch(/malformed repository component ""/);
    expect(error('a/-b')).toMatch(/malformed repository component "-b"/);
    expect(error('bad_host.:5000/x')).toMatch(/malformed registry host/);
  });

  it('refuses a name longer than 255 characters', () => {
    expect(error(`r.io/${'a'.repeat(260)}`)).toMatch(/longer than 255/);
  });
});

describe('namesRegistry', () => {
  it('is true for host-like first components only', () => {
    expect(namesRegistry('localhost/x')).toBe(true);
    expect(namesRegistry('r.io/x')).toBe(true);
    expect(namesRegistry('r:5000/x')).toBe(true);
    expect(namesRegistry('tk/x')).toBe(false);
    expect(namesRegistry('x')).toBe(false);
    expect(namesRegistry('./prog.wasm')).toBe(true); // a caller checks for files first
  });
});

describe('formatReference and apiHost', () => {
  it('formats the canonical form and round-trips', () => {
    expect(formatReference(parse('alpine'))).toBe('docker.io/library/alpine:latest');
    const text = `127.0.0.1:5000/tk/hand@sha256:${HEX}`;
    expect(formatReference(parse(text))).toBe(text);
  });

  it('maps Docker Hub to its API host and leaves others alone', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
});
