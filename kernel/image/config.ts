// What a container runs: the image config's Entrypoint, Cmd, Env and
// WorkingDir combined with what the user gave `run` (--entrypoint, --env,
// the arguments), by the rules Docker and the OCI runtimes follow:
//   - arguments replace Cmd; --entrypoint replaces Entrypoint and clears Cmd
//     (arguments then follow the new entrypoint);
//   - the process's argv is Entrypoint followed by Cmd; nothing to run is an error;
//   - the environment is the image's Env with the user's --env on top, by
//     name (NAME=VALUE sets, a bare NAME takes the caller's value or is
//     dropped), and PATH defaulted when neither gives one;
//   - the working directory is WorkingDir, or /.
// Spec: OCI image-spec config.md ("config" properties); Docker's "docker
// run" reference (ENTRYPOINT, CMD, --entrypoint, -e).
import { DEFAULT_PATH } from '../abi/messages.js';

/** The part of an OCI image config (its "config" object) that says what to run. */
export interface RunConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
}

/** What the user asked `run` for, beyond the image. */
export interface RunOverrides {
  /** --entrypoint PATH: replaces the image's Entrypoint and drops its Cmd. */
  entrypoint?: string;
  /** The arguments after the reference: replace Cmd. */
  args?: readonly string[];
  /** --env NAME=VALUE (or a bare NAME, taken from `callerEnv`). */
  env?: readonly string[];
  /** The environment a bare --env NAME takes its value from. */
  callerEnv?: Readonly<Record<string, string | undefined>>;
}

export interface ContainerCommand {
  argv: string[];
  env: string[];
  cwd: string;
}

/** The first process of a container of an image with `config`; an Error when there is nothing to run. */
export function containerCommand(config: RunConfig, o: RunOverrides = {}): ContainerCommand | Error {
  const entrypoint = o.entrypoint !== undefined ? (o.entrypoint === '' ? [] : [o.entrypoint]) : [...(config.Entrypoint ?? [])];
  const args = o.args && o.args.length > 0 ? [...o.args] : o.entrypoint !== undefined ? [] : [...(config.Cmd ?? [])];
  const argv = [...entrypoint, ...args];
  if (argv.length === 0) return new Error('no command specified: the image has no Entrypoint or Cmd, and none was given');
  const env = mergeEnv(config.Env ?? [], o.env ?? [], o.callerEnv ?? {});
  if (!env.some((e) => e.startsWith('PATH='))) env.push(`PATH=${DEFAULT_PATH}`);
  const cwd = config.WorkingDir && config.WorkingDir.startsWith('/') ? config.WorkingDir : `/${config.WorkingDir ?? ''}`;
  return { argv, env, cwd: cwd.length > 1 ? cwd.replace(/\/+$/, '') : '/' };
}

/** `base` with each of `over` set on top by name, in `base`'s order then new names in theirs. */
function mergeEnv(base: readonly string[], over: readonly string[], caller: Readonly<Record<string, string | undefined>>): string[] {
  const byName = new Map<string, string>();
  for (const e of base) byName.set(nameOf(e), e);
  for (const e of over) {
    const name = nameOf(e);
    if (e.includes('=')) byName.set(name, e);
    else if (caller[name] !== undefined) byName.set(name, `${name}=${caller[name]}`);
    else byName.delete(name);
  }
  return [...byName.values()];
}

function nameOf(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}
