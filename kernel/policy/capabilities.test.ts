import { describe, expect, it } from 'vitest';
import { parseReference, type Reference } from '../image/reference.js';
import { BUILT_IN_CAPABILITIES, checkHost, checkMount, checkRegistry, parseCapabilities, type Capabilities } from './capabilities.js';

const ref = (s: string): Reference => parseReference(s) as Reference;
const parse = (doc: unknown): Capabilities => {
  const c = parseCapabilities(JSON.stringify(doc), 'caps.json');
  if (c instanceof Error) throw c;
  return c;
};

describe('capabilities', () => {
  it('are off by default for containers; programs run from the host keep their --dir', () => {
    expect(checkMount(BUILT_IN_CAPABILITIES, ref('r.io/app'), '/home/me')).toEqual({ allowed: false, rule: '"default" mounts []' });
    expect(checkHost(BUILT_IN_CAPABILITIES, ref('r.io/app'), 'example.com', 443).allowed).toBe(false);
    expect(checkMount(BUILT_IN_CAPABILITIES, null, '/home/me').allowed).toBe(true);
    expect(checkHost(BUILT_IN_CAPABILITIES, null, 'example.com', 443).allowed).toBe(false);
    expect(checkRegistry(BUILT_IN_CAPABILITIES, 'anything.io').allowed).toBe(true);
  });

  it('give a built-in image\'s containers what programs run from the host get, unless a scope names it', () => {
    expect(checkMount(BUILT_IN_CAPABILITIES, ref('toolchain'), '/home/me')).toEqual({ allowed: true, rule: '"programs" (a built-in image) mounts "/"' });
    expect(checkHost(BUILT_IN_CAPABILITIES, ref('toolchain'), 'example.com', 443).allowed).toBe(false);
    expect(checkMount(BUILT_IN_CAPABILITIES, ref('docker.io/toolchain'), '/home/me').allowed).toBe(false);
    const c = parse({ transports: { docker: { 'builtin/toolchain': { mounts: ['/data'] } } } });
    expect(checkMount(c, ref('toolchain'), '/home/me').allowed).toBe(false);
    expect(checkMount(c, ref('toolchain'), '/data/x').allowed).toBe(true);
  });

  it('grant a directory and what is under it, by the most specific scope only', () => {
    const c = parse({ default: { mounts: ['/srv/shared'] }, transports: { docker: { 'r.io/app': { mounts: ['/data/app/'] } } } });
    expect(checkMount(c, ref('r.io/app:1'), '/data/app')).toEqual({ allowed: true, rule: 'docker r.io/app mounts "/data/app"' });
    expect(checkMount(c, ref('r.io/app:1'), '/data/app/sub').allowed).toBe(true);
    expect(checkMount(c, ref('r.io/app:1'), '/data/application').allowed).toBe(false);
    expect(checkMount(c, ref('r.io/app:1'), '/data/app/../etc').allowed).toBe(false);
    expect(checkMount(c, ref('r.io/app:1'), '/srv/shared')).toEqual({ allowed: false, rule: 'docker r.io/app mounts ["/data/app"]' }); // not merged with default
    expect(checkMount(c, ref('r.io/other:1'), '/srv/shared/x').allowed).toBe(true);
  });

  it('grant hosts: a name on any port, host:port, *.domain, loopback, *', () => {
    const c = parse({ transports: { docker: { 'r.io': { network: ['api.example.com', 'db.local:5432', '*.cdn.net', 'loopback:8080', '[::1]:9'] } } } });
    const app = ref('r.io/app');
    expect(checkHost(c, app, 'API.example.com', 1).allowed).toBe(true);
    expect(checkHost(c, app, 'db.local', 5432).allowed).toBe(true);
    expect(checkHost(c, app, 'db.local', 5433).allowed).toBe(false);
    expect(checkHost(c, app, 'a.b.cdn.net', 443).allowed).toBe(true);
    expect(checkHost(c, app, 'cdn.net', 443).allowed).toBe(false);
    expect(checkHost(c, app, '127.0.0.5', 8080)).toEqual({ allowed: true, rule: 'docker r.io network "loopback:8080"' });
    expect(checkHost(c, app, '::1', 9).allowed).toBe(true);
    expect(checkHost(c, app, 'evil.com', 443)).toEqual({ allowed: false, rule: 'docker r.io network ["api.example.com","db.local:5432","*.cdn.net","loopback:8080","[::1]:9"]' });
    expect(checkHost(parse({ default: { network: ['*'] } }), app, 'anything', 1).allowed).toBe(true);
  });

  it('restrict registries when the file lists them', () => {
    const c = parse({ registries: ['loopback', 'ghcr.io', '*.example.com', 'docker.io'] });
    expect(checkRegistry(c, '127.0.0.1:5000').allowed).toBe(true);
    expect(checkRegistry(c, 'ghcr.io').allowed).toBe(true);
    expect(checkRegistry(c, 'reg.example.com:443').allowed).toBe(true);
    expect(checkRegistry(c, 'quay.io')).toEqual({ allowed: false, rule: '"registries" ["loopback","ghcr.io","*.example.com","docker.io"]' });
  });

  it('refuse unknown fields, relative mounts and bad host patterns', () => {
    const err = (doc: unknown): string => (parseCapabilities(JSON.stringify(doc), 'caps.json') as Error).message;
    expect(err({ network: [] })).toBe('caps.json: the top level: unknown field "network"');
    expect(err({ default: { mounts: ['data'] } })).toMatch(/"data" is not an absolute path/);
    expect(err({ default: { network: ['http://x'] } })).toMatch(/is not a host pattern/);
    expect(err({ transports: { dir: {} } })).toMatch(/unknown field "dir"/);
  });
});
