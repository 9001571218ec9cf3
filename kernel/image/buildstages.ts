// A Dockerfile's stages: each FROM starts one (its name from `AS`), the
// instructions up to the next FROM are its body. Before the first FROM only
// ARG may come: those ARGs are the global scope, which FROM lines are
// substituted with (a --build-arg overrides a default), together with the
// platform arguments BuildKit predefines — tabkernel's one platform; a
// stage's own `ARG NAME` takes a global's value. The target is the last
// stage, or the one --target names; stages are found by name or number.
// Spec: the Dockerfile reference, "FROM", "ARG" ("Understand how ARG and FROM
// interact", "Automatic platform ARGs in the global scope").
import { BuildError } from './builderror.js';
import { DockerfileError, type Dockerfile, type Instruction } from './dockerfile.js';
import type { Variables } from './substitute.js';

export interface Stage {
  index: number;
  name?: string;
  from: Extract<Instruction, { kind: 'FROM' }>;
  body: Instruction[];
  /** FROM, COPY, ADD and RUN: the steps its progress counts. */
  steps: number;
}

const PLATFORM_ARGS = new Map([
  ['TARGETPLATFORM', 'wasi/wasm'], ['TARGETOS', 'wasi'], ['TARGETARCH', 'wasm'], ['TARGETVARIANT', ''],
  ['BUILDPLATFORM', 'wasi/wasm'], ['BUILDOS', 'wasi'], ['BUILDARCH', 'wasm'], ['BUILDVARIANT', ''],
]);

export class Stages {
  readonly list: Stage[] = [];
  private readonly globals = new Map<string, string | undefined>();

  /**
   * The stages of `df`; `buildArgs` give the global ARGs values (those used
   * are added to `used`), `substitute` substitutes an instruction's word.
   */
  constructor(
    df: Dockerfile, file: string, buildArgs: ReadonlyMap<string, string>, used: Set<string>,
    substitute: (ins: Instruction, word: string, vars: Variables) => string,
  ) {
    let current: Stage | null = null;
    for (const ins of df.instructions) {
      if (ins.kind === 'FROM') {
        if (ins.as && this.list.some((s) => s.name === ins.as)) throw new DockerfileError(ins.line, `FROM: the stage name ${ins.as} is used twice`, file);
        current = { index: this.list.length, name: ins.as, from: ins, body: [], steps: 1 };
        this.list.push(current);
      } else if (!current) {
        if (ins.kind !== 'ARG') throw new DockerfileError(ins.line, `${ins.kind} before the first FROM (only ARG may come first)`, file);
        for (const a of ins.args) {
          const given = buildArgs.get(a.name);
          if (given !== undefined) used.add(a.name);
          this.globals.set(a.name, given ?? (a.value === undefined ? undefined : substitute(ins, a.value, (n) => this.global(n))));
        }
      } else {
        current.body.push(ins);
        if (ins.kind === 'COPY' || ins.kind === 'ADD' || ins.kind === 'RUN') current.steps++;
      }
    }
    if (this.list.length === 0) throw new DockerfileError(1, 'no FROM instruction: a Dockerfile needs at least one stage', file);
  }

  /** A global ARG's value (or a platform argument's). */
  global(name: string): string | undefined {
    return this.globals.has(name) ? this.globals.get(name) : PLATFORM_ARGS.get(name);
  }

  /** The stage --target names, or the last. */
  target(name?: string): Stage {
    if (name === undefined) return this.list[this.list.length - 1];
    const s = this.list.find((st) => st.name === name.toLowerCase());
    if (!s) throw new BuildError(`--target ${name}: no stage of that name (the stages: ${this.list.map((st) => st.name ?? st.index).join(', ')})`);
    return s;
  }

  /** The stage named (or numbered) `ref`, or undefined. */
  named(ref: string): Stage | undefined {
    const byName = this.list.find((s) => s.name === ref.toLowerCase());
    if (byName) return byName;
    return /^\d+$/.test(ref) ? this.list[Number(ref)] : undefined;
  }

  /** `[stage k/n]`'s stage part: the name (or `stage-N`) when there are several. */
  label(s: Stage): string {
    return this.list.length > 1 ? `${s.name ?? `stage-${s.index}`} ` : '';
  }
}
