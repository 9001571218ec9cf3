// `image build`'s arguments, read the same way by the CLI (`tabkernel image
// build`, kernel/host/node/build.ts) and by the kernel for the shell's
// `image build` (syscall/image.ts, which /bin/image hands its arguments):
//   -t, --tag REF          the reference to tag the image with
//   -f, --file PATH        the Dockerfile (default: CONTEXT/Dockerfile)
//   --build-arg NAME=VALUE a build argument (NAME alone: from the environment)
//   --target STAGE         build that stage (default: the last)
//   --output oci:DIR       write an OCI image layout to DIR instead of the store
//   --no-cache             run every step, ignoring the build cache
//   CONTEXT                the build context's directory
// SOURCE_DATE_EPOCH from the environment is a build argument unless one is given.
// Paths are the caller's: host paths in the CLI, paths of the VFS in the shell.

export interface BuildArgs {
  tag?: string;
  file?: string;
  buildArgs: Map<string, string>;
  target?: string;
  /** The OCI layout's directory (--output oci:DIR). */
  output?: string;
  noCache: boolean;
  context: string;
}

export const BUILD_USAGE = 'usage: image build [-t REF] [-f DOCKERFILE] [--build-arg NAME[=VALUE]]... [--target STAGE] [--output oci:DIR] [--no-cache] CONTEXT\n';

/** Parse `argv` (after `build`); `env` gives bare --build-arg NAMEs and SOURCE_DATE_EPOCH their values. */
export function parseBuildArgs(argv: readonly string[], env: (name: string) => string | undefined): BuildArgs | Error {
  const out: BuildArgs = { buildArgs: new Map(), noCache: false, context: '' };
  const contexts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | Error => {
      if (eq > 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) return new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--no-cache') {
      out.noCache = true;
      continue;
    }
    if (!flag.startsWith('-') || flag === '-') {
      contexts.push(a);
      continue;
    }
    const v = value();
    if (v instanceof Error) return v;
    switch (flag) {
      case '-t': case '--tag': out.tag = v; break;
      case '-f': case '--file': out.file = v; break;
      case '--target': out.target = v; break;
      case '--build-arg': {
        const at = v.indexOf('=');
        const name = at < 0 ? v : v.slice(0, at);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return new Error(`--build-arg ${v}: not NAME=VALUE`);
        const val = at < 0 ? env(name) : v.slice(at + 1);
        if (val !== undefined) out.buildArgs.set(name, val);
        break;
      }
      case '-o': case '--output': {
        const m = /^(?:oci:|type=oci,dest=)(.+)$/.exec(v);
        if (!m) return new Error(`--output ${v}: only oci:DIR (an OCI image layout) is supported`);
        out.output = m[1];
        break;
      }
      default: return new Error(`unknown option ${flag}`);
    }
  }
  if (contexts.length !== 1) return new Error(contexts.length === 0 ? 'the build context (a directory) is missing' : `one build context, not ${contexts.length}: ${contexts.join(' ')}`);
  out.context = contexts[0];
  const epoch = env('SOURCE_DATE_EPOCH');
  if (epoch !== undefined && !out.buildArgs.has('SOURCE_DATE_EPOCH')) out.buildArgs.set('SOURCE_DATE_EPOCH', epoch);
  return out;
}
