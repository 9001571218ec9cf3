// The CLI's policy (kernel/policy/): which files are in force and reading
// them. The signature policy is the containers tools' policy.json, found as
// they find it, with tabkernel's own variable first: $TABKERNEL_POLICY (it
// must exist when set), then ~/.config/containers/policy.json, then
// /etc/containers/policy.json; with none of them, the built-in policy (every
// image accepted). tabkernel's capabilities are $TABKERNEL_CAPABILITIES (it
// must exist when set), else tabkernel-capabilities.json in the directory of
// the policy.json in force, else in ~/.config/containers/ or /etc/containers/
// when there is no policy.json; with none, the built-in capabilities. A
// sigstoreSigned keyPath is read as given (relative to the working
// directory, as the containers tools read it) when an image needs it.
// docs/POLICY.md is the user's guide.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILT_IN_CAPABILITIES, CAPABILITIES_FILE, parseCapabilities, type Capabilities } from '../../policy/capabilities.js';
import { parseContainersPolicy } from '../../policy/containers-policy.js';
import { BUILT_IN_SIGNATURE_POLICY, Policy } from '../../policy/policy.js';

/** The files in force (absent: none, the built-in part applies). */
export interface PolicyFiles {
  policy?: string;
  capabilities?: string;
}

const exists = (file: string): boolean => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;

/** Which files are in force under `env` (see the header); an Error for a named file that is not there. */
export function policyFiles(env: NodeJS.ProcessEnv = process.env): PolicyFiles | Error {
  const home = env.HOME ?? os.homedir();
  const dirs = [path.join(home, '.config', 'containers'), '/etc/containers'];
  let policy: string | undefined;
  if (env.TABKERNEL_POLICY) {
    if (!exists(env.TABKERNEL_POLICY)) return new Error(`policy: $TABKERNEL_POLICY names ${env.TABKERNEL_POLICY}, which is not a file`);
    policy = env.TABKERNEL_POLICY;
  } else {
    policy = dirs.map((d) => path.join(d, 'policy.json')).find(exists);
  }
  let capabilities: string | undefined;
  if (env.TABKERNEL_CAPABILITIES) {
    if (!exists(env.TABKERNEL_CAPABILITIES)) return new Error(`policy: $TABKERNEL_CAPABILITIES names ${env.TABKERNEL_CAPABILITIES}, which is not a file`);
    capabilities = env.TABKERNEL_CAPABILITIES;
  } else {
    const beside = policy ? [path.dirname(policy)] : env.TABKERNEL_POLICY ? [] : dirs;
    capabilities = beside.map((d) => path.join(d, CAPABILITIES_FILE)).find(exists);
  }
  return { policy, capabilities };
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`policy: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The capabilities in force, and their file (built-in when there is none). Throws for an invalid file. */
export function loadCapabilities(env: NodeJS.ProcessEnv = process.env, files: PolicyFiles | Error = policyFiles(env)): { capabilities: Capabilities; file?: string } {
  if (files instanceof Error) throw files;
  if (!files.capabilities) return { capabilities: BUILT_IN_CAPABILITIES };
  const caps = parseCapabilities(read(files.capabilities), `policy: ${files.capabilities}`);
  if (caps instanceof Error) throw caps;
  return { capabilities: caps, file: files.capabilities };
}

/** The whole policy in force (see the header). Throws an Error naming the file for an invalid one. */
export function loadPolicy(env: NodeJS.ProcessEnv = process.env): Policy {
  const files = policyFiles(env);
  if (files instanceof Error) throw files;
  let signatures = BUILT_IN_SIGNATURE_POLICY;
  if (files.policy) {
    const parsed = parseContainersPolicy(read(files.policy), `policy: ${files.policy}`);
    if (parsed instanceof Error) throw parsed;
    signatures = parsed;
  }
  const { capabilities } = loadCapabilities(env, files);
  return new Policy(signatures, capabilities, files, (keyPath) => fs.promises.readFile(keyPath, 'utf8'));
}

/** The real path of a host directory to check against the mounts granted (symlinks resolved; as given if it does not exist). */
export function realDirectory(hostPath: string): string {
  try {
    return fs.realpathSync(hostPath);
  } catch {
    return path.resolve(hostPath);
  }
}

/**
 * The policy files as the dev server serves them beside the page
 * (vite.config.ts): their text, with every sigstoreSigned keyPath (keyPaths)
 * replaced by the key file's contents as keyData (keyDatas), since the page
 * cannot read the server's files. A key file that cannot be read is left as a
 * path (the page then says it cannot fetch it). Absent: no such file.
 */
export function servedPolicy(env: NodeJS.ProcessEnv = process.env): { policy?: string; capabilities?: string } {
  const files = policyFiles(env);
  if (files instanceof Error) throw files;
  const out: { policy?: string; capabilities?: string } = {};
  if (files.capabilities) out.capabilities = read(files.capabilities);
  if (!files.policy) return out;
  const text = read(files.policy);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.policy = text; // the page says what is wrong with it
    return out;
  }
  const inline = (req: Record<string, unknown>): void => {
    const paths = req.type === 'sigstoreSigned' && typeof req.keyPath === 'string' ? [req.keyPath] : req.type === 'sigstoreSigned' && Array.isArray(req.keyPaths) ? req.keyPaths : undefined;
    if (!paths) return;
    try {
      const datas = paths.map((p) => fs.readFileSync(String(p)).toString('base64'));
      if ('keyPath' in req) req.keyData = datas[0];
      else req.keyDatas = datas;
      delete req.keyPath;
      delete req.keyPaths;
    } catch {
      // Left as a path.
    }
  };
  const lists: unknown[] = [];
  const d = doc as { default?: unknown; transports?: Record<string, Record<string, unknown>> };
  lists.push(d.default);
  for (const scopes of Object.values(d.transports ?? {})) for (const reqs of Object.values(scopes ?? {})) lists.push(reqs);
  for (const list of lists) if (Array.isArray(list)) for (const r of list) if (r && typeof r === 'object') inline(r as Record<string, unknown>);
  out.policy = JSON.stringify(doc, null, 2);
  return out;
}
