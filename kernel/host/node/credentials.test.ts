import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authFiles, readCredentials } from './credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function file(dir: string, name: string, auths: Record<string, unknown>): string {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, JSON.stringify({ auths }));
  return f;
}

describe('auth files', () => {
  it('are read in the containers tools\' order', () => {
    expect(authFiles({ REGISTRY_AUTH_FILE: '/a.json', XDG_RUNTIME_DIR: '/run/u', DOCKER_CONFIG: '/dc', HOME: '/h' }))
      .toEqual(['/a.json', '/run/u/containers/auth.json', '/dc/config.json', '/h/.docker/config.json']);
    expect(authFiles({ HOME: '/h' })).toEqual(['/h/.docker/config.json']);
  });

  it('the first file with an entry for the registry wins', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creds-'));
    const env = {
      REGISTRY_AUTH_FILE: file(dir, 'a.json', { 'other.io': { auth: b64('x:y') } }),
      XDG_RUNTIME_DIR: dir,
      HOME: dir,
    };
    file(dir, 'containers/auth.json', { 'r.io': { auth: b64('first:one') } });
    file(dir, '.docker/config.json', { 'r.io': { auth: b64('second:two') } });
    expect(await readCredentials('r.io', 'x/y', env)).toEqual({ username: 'first', password: 'one' });
    expect(await readCredentials('other.io', 'x', env)).toEqual({ username: 'x', password: 'y' });
    expect(await readCredentials('none.io', 'x', env)).toBeUndefined();
  });

  it('matches keys with a scheme or /v1/, Docker Hub\'s legacy key, and the most specific repository path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creds-'));
    const env = {
      HOME: dir,
      REGISTRY_AUTH_FILE: file(dir, 'a.json', {
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'http://127.0.0.1:5000': { auth: b64('loop:pw:with:colons') },
        'r.io/team': { auth: b64('team:pw') },
        'r.io/team/app': { username: 'app', password: 'pw' },
        'r.io': { auth: b64('any:pw') },
      }),
    };
    expect(await readCredentials('docker.io', 'library/alpine', env)).toEqual({ username: 'hub', password: 'pw' });
    expect(await readCredentials('127.0.0.1:5000', 'tk/hand', env)).toEqual({ username: 'loop', password: 'pw:with:colons' });
    expect((await readCredentials('r.io', 'team/app', env))?.username).toBe('app');
    expect((await readCredentials('r.io', 'team/other', env))?.username).toBe('team');
    expect((await readCredentials('r.io', 'solo', env))?.username).toBe('any');
  });

  it('names the file of a malformed entry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creds-'));
    const f = file(dir, 'a.json', { 'r.io': { auth: b64('nocolon') } });
    await expect(readCredentials('r.io', 'x', { HOME: dir, REGISTRY_AUTH_FILE: f })).rejects.toThrow(`${f}: auths["r.io"].auth is not base64 of user:password`);
  });
});
