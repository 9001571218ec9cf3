// tabkernel's capabilities: what a program may reach beyond its own files —
// host directories it may have mounted, hosts it may connect to — and which
// registries images may be pulled from. containers-policy.json(5) refuses
// unknown fields, so these live in a file of their own beside policy.json,
// tabkernel-capabilities.json, shaped like it:
//   {"default":  {"mounts": [...], "network": [...]},      containers of images no scope names
//    "transports": {"docker": {"SCOPE": {"mounts": [...], "network": [...]}}},
//    "programs": {"mounts": [...], "network": [...]},      programs run from the host, not images
//    "registries": ["loopback", "HOST[:PORT]", "*.DOMAIN", "*"]}
// Scopes are looked up as the signature policy's are (scope.ts: most
// specific wins; grants are not merged). Off by default: without a file, or
// for what a file leaves out, a container gets no host directory and no
// network; programs run from the host keep every directory the command line
// names (as under wasmtime: --dir is the grant) and no network; registries
// are not restricted (the signature policy and the registry proxy's own
// allowlist still apply). A mount is granted by a listed directory or any
// directory under it; a network or registry entry is a host (any port), a
// host:port, `*.domain` (any subdomain), `loopback` (localhost, 127.0.0.0/8,
// ::1), or `*` (anything). policy.ts answers the questions; docs/POLICY.md
// is the user's guide.

import { isLoopback } from '../image/registry.js';
import type { Reference } from '../image/reference.js';
import { mostSpecific, scopeName } from './scope.js';
import { isObject, onlyFields, readJsonObject } from './json.js';

export interface Grants {
  /** Absolute host directories (and everything under them). */
  mounts: string[];
  /** Host patterns (see the header). */
  network: string[];
}

export interface Capabilities {
  default: Grants;
  docker: Map<string, Grants>;
  programs: Grants;
  /** Registry patterns images may come from; undefined: any. */
  registries?: string[];
}

/** What a check found: allowed or not, and the rule that decided, for the message. */
export interface Grant {
  allowed: boolean;
  rule: string;
}

export const CAPABILITIES_FILE = 'tabkernel-capabilities.json';

/** With no capabilities file (see the header). */
export const BUILT_IN_CAPABILITIES: Capabilities = {
  default: { mounts: [], network: [] },
  docker: new Map(),
  programs: { mounts: ['/'], network: [] },
};

/** The capabilities in `text`; an Error naming what is wrong (unknown fields too, as policy.json). */
export function parseCapabilities(text: string, what: string): Capabilities | Error {
  return readJsonObject(text, what, (doc) => {
    onlyFields(doc, ['default', 'transports', 'programs', 'registries'], 'the top level');
    const caps: Capabilities = {
      default: doc.default === undefined ? BUILT_IN_CAPABILITIES.default : grants(doc.default, '"default"'),
      docker: new Map(),
      programs: doc.programs === undefined ? BUILT_IN_CAPABILITIES.programs : grants(doc.programs, '"programs"'),
    };
    if (doc.transports !== undefined) {
      if (!isObject(doc.transports)) throw new Error('"transports" is not an object');
      onlyFields(doc.transports, ['docker'], '"transports"');
      const docker = doc.transports.docker;
      if (!isObject(docker)) throw new Error('transports.docker is not an object');
      for (const [scope, g] of Object.entries(docker)) caps.docker.set(scope, grants(g, `transports.docker[${JSON.stringify(scope)}]`));
    }
    if (doc.registries !== undefined) caps.registries = patterns(doc.registries, '"registries"');
    return caps;
  });
}


function grants(v: unknown, where: string): Grants {
  if (!isObject(v)) throw new Error(`${where} is not an object`);
  onlyFields(v, ['mounts', 'network'], where);
  const mounts = v.mounts === undefined ? [] : strings(v.mounts, `${where}.mounts`);
  for (const m of mounts) if (!m.startsWith('/')) throw new Error(`${where}.mounts: "${m}" is not an absolute path`);
  return { mounts: mounts.map(normalize), network: v.network === undefined ? [] : patterns(v.network, `${where}.network`) };
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) throw new Error(`${where} is not a list of strings`);
  return v as string[];
}

const PATTERN = /^(\*|loopback(:\d+)?|(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?|\[[0-9a-f:.]+\](:\d+)?)$/;

/** Whether `p` is a host pattern (HOST, HOST:PORT, *.DOMAIN, loopback, [V6]:PORT or *): the CLI's --allow-net takes them too. */
export function isHostPattern(p: string): boolean {
  return PATTERN.test(p.toLowerCase());
}

function patterns(v: unknown, where: string): string[] {
  const list = strings(v, where).map((p) => p.toLowerCase());
  for (const p of list) if (!PATTERN.test(p)) throw new Error(`${where}: "${p}" is not a host pattern (HOST, HOST:PORT, *.DOMAIN, loopback or *)`);
  return list;
}

/** `/a//b/./c/` → `/a/b/c` (no `..`: a path with one is never granted). */
function normalize(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return `/${parts.join('/')}`;
}

/** The grants for a container of image `ref` (null: a program run from the host), and the scope they came from. */
export function grantsFor(caps: Capabilities, ref: Reference | null): { grants: Grants; where: string } {
  if (ref === null) return { grants: caps.programs, where: '"programs"' };
  const found = mostSpecific(caps.docker, ref);
  return found ? { grants: found.value, where: scopeName(found.scope) } : { grants: caps.default, where: '"default"' };
}

/** Whether `hostPath` (absolute, symlinks resolved by the host) may be mounted. */
export function checkMount(caps: Capabilities, ref: Reference | null, hostPath: string): Grant {
  const { grants, where } = grantsFor(caps, ref);
  const path = normalize(hostPath);
  const by = path.split('/').includes('..') ? undefined : grants.mounts.find((g) => g === '/' || path === g || path.startsWith(`${g}/`));
  if (by !== undefined) return { allowed: true, rule: `${where} mounts ${JSON.stringify(by)}` };
  return { allowed: false, rule: `${where} mounts ${JSON.stringify(grants.mounts)}` };
}

/** A pattern or an address split into its host (`name`, `*.domain`, `[v6]`) and port. */
function splitHost(text: string): { name: string; port?: number } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const rest = text.slice(close + 1);
    return { name: text.slice(0, close + 1), port: rest.startsWith(':') ? Number(rest.slice(1)) : undefined };
  }
  const colon = text.lastIndexOf(':');
  return colon < 0 ? { name: text } : { name: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

/**
 * The first pattern of `list` that allows `host` (a name, or an IPv6 address
 * in brackets) on `port` — on any port a pattern names when `anyPort` (a
 * name lookup: whether the name may be reached at all).
 */
function matches(list: readonly string[], host: string, port: number | undefined, anyPort = false): string | undefined {
  const h = host.toLowerCase();
  return list.find((p) => {
    if (p === '*') return true;
    const want = splitHost(p);
    if (!anyPort && want.port !== undefined && want.port !== port) return false;
    if (want.name === 'loopback') return isLoopback(h);
    if (want.name.startsWith('*.')) return h.endsWith(want.name.slice(1));
    return h === want.name;
  });
}

/** Whether a container of `ref` (null: a program run from the host) may connect to `host`:`port` (undefined: on some port, for a lookup). */
export function checkHost(caps: Capabilities, ref: Reference | null, host: string, port?: number): Grant {
  const { grants, where } = grantsFor(caps, ref);
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const by = matches(grants.network, name, port, port === undefined);
  return by !== undefined ? { allowed: true, rule: `${where} network ${JSON.stringify(by)}` } : { allowed: false, rule: `${where} network ${JSON.stringify(grants.network)}` };
}

/** Whether images may be pulled from `registry` (`host[:port]` as in references). */
export function checkRegistry(caps: Capabilities, registry: string): Grant {
  if (caps.registries === undefined) return { allowed: true, rule: 'no "registries" list (any registry)' };
  const { name, port } = splitHost(registry);
  const by = matches(caps.registries, name, port);
  return by !== undefined ? { allowed: true, rule: `"registries" ${JSON.stringify(by)}` } : { allowed: false, rule: `"registries" ${JSON.stringify(caps.registries)}` };
}
