// Registry credentials from the files users already have, in the order the
// containers tools and Docker read them: $REGISTRY_AUTH_FILE,
// $XDG_RUNTIME_DIR/containers/auth.json, $DOCKER_CONFIG/config.json,
// ~/.docker/config.json. The first file with an entry for the registry wins.
// An entry is `auths.KEY.auth` = base64 of `user:password` (or `username` and
// `password`), KEY a registry host, optionally with a scheme, Docker's legacy
// `/v1/` suffix, or a repository path (the most specific key matches first).
// Credential helpers (`credsStore`, `credHelpers`) are not run.
// Spec: containers-auth.json(5); Docker's config.json ("auths").
import type * as NodeFs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Credentials } from '../../image/auth.js';
import { lazyBuiltin } from './lazy.js';

const fs = lazyBuiltin<typeof NodeFs>('node:fs/promises');

/** The auth files to look in, in order (those that do not exist are skipped when read). */
export function authFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  if (env.DOCKER_CONFIG) files.push(path.join(env.DOCKER_CONFIG, 'config.json'));
  const home = env.HOME ?? os.homedir();
  if (home) files.push(path.join(home, '.docker', 'config.json'));
  return files;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A key of `auths` reduced to `host[/path]`: no scheme, no `/v1/` or `/v2/`, Docker Hub's names as docker.io. */
function normalizeKey(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '').replace(/\/v[12]$/, '');
  const slash = k.indexOf('/');
  const host = slash < 0 ? k : k.slice(0, slash);
  if (DOCKER_HUB_ALIASES.has(host)) k = 'docker.io' + (slash < 0 ? '' : k.slice(slash));
  return k;
}

/** Keys for `registry/repository`, most specific first: `r/a/b`, `r/a`, `r`. */
function candidates(registry: string, repository: string): string[] {
  const host = DOCKER_HUB_ALIASES.has(registry) ? 'docker.io' : registry;
  const parts = repository ? repository.split('/') : [];
  const out: string[] = [];
  for (let n = parts.length; n >= 0; n--) out.push([host, ...parts.slice(0, n)].join('/'));
  return out;
}

function entryCredentials(entry: unknown, file: string, key: string): Credentials | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.auth === 'string' && e.auth !== '') {
    const text = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new Error(`${file}: auths["${key}"].auth is not base64 of user:password`);
    return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (typeof e.username === 'string' && typeof e.password === 'string') return { username: e.username, password: e.password };
  return undefined;
}

/** The credentials for a registry and repository from the first auth file that has them. */
export async function readCredentials(registry: string, repository: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const wanted = candidates(registry, repository);
  for (const file of authFiles(env)) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue; // absent or unreadable: the next file
    }
    let auths: Record<string, unknown>;
    try {
      const doc = JSON.parse(text) as { auths?: Record<string, unknown> };
      auths = doc.auths ?? {};
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
    const byKey = new Map(Object.keys(auths).map((k) => [normalizeKey(k), k]));
    for (const c of wanted) {
      const key = byKey.get(c);
      if (key === undefined) continue;
      const creds = entryCredentials(auths[key], file, key);
      if (creds) return creds;
    }
  }
  return undefined;
}
