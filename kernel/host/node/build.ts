// `tabkernel image build`: the CLI's front end to the build engine
// (image/build.ts). It reads the arguments as the shell's `image build` does
// (image/buildargs.ts), with host paths: the context and an --output
// directory become host directories of a kernel made for the build (its RUN
// steps are processes of that kernel), the Dockerfile is read here. Progress
// goes to stderr as BuildKit's plain output; stdout gets `REF: DIGEST` (or
// `oci:DIR: DIGEST`, or the digest alone for an untagged build).
// Exit status: 0; 1 when the build fails; 2 for bad arguments.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_USAGE, parseBuildArgs } from '../../image/buildargs.js';
import type { BuildOutput } from '../../image/buildlog.js';
import { Kernel } from '../../kernel.js';
import { cacheAsyncifiedStore } from './asyncified.js';
import { NodeHost } from './host.js';
import { nodeImageService } from './images.js';
import { outputStreams } from './output.js';

const enc = new TextEncoder();

/** `tabkernel image build ARGS…` (ARGS without `build`); resolves to the exit status. */
export async function buildMain(argv: string[], insecure: readonly string[]): Promise<number> {
  const args = parseBuildArgs(argv, (name) => process.env[name]);
  if (args instanceof Error) {
    fs.writeSync(2, `tabkernel: ${args.message}\n${BUILD_USAGE.replace('image build', 'tabkernel image build')}`);
    return 2;
  }
  const [, stderr] = outputStreams();
  const out: BuildOutput = {
    write: (text) => void stderr.write?.(enc.encode(text)),
    writable: stderr.writable ? () => (stderr.writable as () => boolean)() : undefined,
    onWritable: stderr.onWritable ? (cb) => (stderr.onWritable as (cb: () => void) => void)(cb) : undefined,
  };
  const fail = async (message: string): Promise<number> => {
    await stderr.flushed?.();
    fs.writeSync(2, `tabkernel: ${message}\n`);
    return 1;
  };
  const file = args.file ?? path.join(args.context, 'Dockerfile');
  let dockerfile: string;
  try {
    if (!fs.statSync(args.context).isDirectory()) return fail(`${args.context}: the build context is not a directory`);
    dockerfile = fs.readFileSync(file, 'utf8');
    if (args.output !== undefined) fs.mkdirSync(args.output, { recursive: true });
  } catch (e) {
    return fail((e as Error).message);
  }
  const host = new NodeHost({ images: nodeImageService(insecure), asyncified: cacheAsyncifiedStore() });
  const kernel = new Kernel(host, { memory: Math.min(4 * 2 ** 30, Math.floor(os.totalmem() / 2)) });
  const context = host.hostDirectory(args.context);
  if (context instanceof Error) return fail(`${args.context}: ${context.message}`);
  const outDir = args.output === undefined ? undefined : host.hostDirectory(args.output);
  if (outDir instanceof Error) return fail(`${args.output}: ${outDir.message}`);
  try {
    const r = await kernel.builder.build({
      dockerfile, dockerfileName: args.file ?? 'Dockerfile', context, tag: args.tag, buildArgs: args.buildArgs,
      target: args.target, noCache: args.noCache, output: outDir && { dir: outDir, name: `oci:${args.output}` },
    }, out);
    await stderr.flushed?.();
    const name = args.output !== undefined ? `oci:${args.output}` : r.reference;
    fs.writeSync(1, name ? `${name}: ${r.manifestDigest}\n` : `${r.manifestDigest}\n`);
    return 0;
  } catch (e) {
    return fail((e as Error).message);
  }
}
