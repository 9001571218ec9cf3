// The Dockerfile parser: text → instructions, each with the line it starts on.
// Lines: parser directives first (`# syntax=…`, `# escape=\` or "`", `# check=…`:
// recognised only before any other line, names case-insensitive), then
// instructions; a line ending in the escape character continues on the next
// (comment lines and blank lines inside a continued instruction are skipped),
// `#` starts a comment only at the start of a line. An instruction's name is
// case-insensitive; its arguments are read as Docker reads them:
//   - RUN, CMD, ENTRYPOINT: a JSON array of strings is the exec form, anything
//     else the shell form (the text as written);
//   - COPY, ADD: `--flag=value`s, then a JSON array or white-space separated paths;
//   - ENV, LABEL: NAME=VALUE pairs (quotes kept for substitution), or the old
//     `NAME VALUE`; ARG: NAME or NAME=DEFAULT, one or more;
//   - FROM: IMAGE [AS NAME], with --platform; WORKDIR, USER: the rest of the
//     line; EXPOSE: PORT[/PROTO] words.
// Variables are not substituted here (build.ts does it, with substitute.ts, in
// the instructions Docker substitutes in, with the values of their stage).
// Errors are DockerfileError, naming the line and the instruction.
// Spec: the Dockerfile reference (docs.docker.com/reference/dockerfile);
// moby/buildkit frontend/dockerfile/parser (the behaviour).

/** A Dockerfile that cannot be read; the message names the file, the line and the instruction. */
export class DockerfileError extends Error {
  override name = 'DockerfileError';
  constructor(readonly line: number, message: string, file = 'Dockerfile') {
    super(`${file}:${line}: ${message}`);
  }
}

/** `--name=value` flags of an instruction (`--name` alone: the value ''). */
export type Flags = ReadonlyMap<string, string>;

interface Base {
  /** The line the instruction starts on (1-based). */
  line: number;
  /** The instruction as written, continuations joined (for messages and history). */
  text: string;
  flags: Flags;
}

/** A command: the exec form (argv) or the shell form (the text for the shell). */
export type Command = { exec: string[] } | { shell: string };

export type Instruction =
  | (Base & { kind: 'FROM'; image: string; as?: string })
  | (Base & { kind: 'ARG'; args: Array<{ name: string; value?: string }> })
  | (Base & { kind: 'ENV' | 'LABEL'; pairs: Array<[string, string]> })
  | (Base & { kind: 'RUN'; command: Command })
  | (Base & { kind: 'CMD' | 'ENTRYPOINT'; command: Command })
  | (Base & { kind: 'COPY' | 'ADD'; sources: string[]; dest: string })
  | (Base & { kind: 'WORKDIR' | 'USER'; value: string })
  | (Base & { kind: 'EXPOSE'; ports: string[] });

export interface Dockerfile {
  /** Parser directives, by lower-case name. */
  directives: ReadonlyMap<string, string>;
  /** The escape character (`\`, or "`" by directive). */
  escape: string;
  instructions: Instruction[];
}

/** The instructions tabkernel builds. */
export const SUPPORTED = ['FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'WORKDIR', 'ENTRYPOINT', 'CMD', 'LABEL', 'USER', 'EXPOSE'];
/** Docker's other instructions: known, refused by name. */
const UNSUPPORTED = ['SHELL', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER'];
/** The flags each instruction takes. */
const FLAGS: Record<string, readonly string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod', 'link'],
  ADD: ['chown', 'chmod', 'link'],
};
const KNOWN_DIRECTIVES = ['syntax', 'escape', 'check'];

/** Parse a Dockerfile's text; `file` names it in errors. Throws DockerfileError. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { directives, next } = readDirectives(lines, file);
  const escape = directives.get('escape') ?? '\\';
  const instructions: Instruction[] = [];
  for (const { line, text: joined } of logicalLines(lines, next, escape)) {
    instructions.push(parseInstruction(line, joined, escape, file));
  }
  return { directives, escape, instructions };
}

/** The directives at the top of the file, and the index of the first line after them. */
function readDirectives(lines: string[], file: string): { directives: Map<string, string>; next: number } {
  const directives = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^\s*#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/.exec(lines[i]);
    if (!m) break;
    const name = m[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.includes(name)) break; // an unknown one is a comment, and ends the directives
    if (directives.has(name)) throw new DockerfileError(i + 1, `the parser directive ${name} is given twice`, file);
    if (name === 'escape' && m[2] !== '\\' && m[2] !== '`') {
      throw new DockerfileError(i + 1, `invalid escape character ${JSON.stringify(m[2])}: must be \\ or \``, file);
    }
    directives.set(name, m[2]);
  }
  return { directives, next: i };
}

/** Instructions as whole lines: continuations joined, comments and blank lines dropped. */
function* logicalLines(lines: string[], from: number, escape: string): Generator<{ line: number; text: string }> {
  let start = 0;
  let acc: string | null = null;
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) continue; // a comment, also inside a continued instruction
    if (acc === null && trimmed === '') continue;
    if (acc !== null && trimmed === '') continue; // a blank line inside a continuation is skipped
    const body = raw.replace(/\s+$/, '');
    const continues = body.endsWith(escape);
    const part = continues ? body.slice(0, -1) : body;
    if (acc === null) {
      start = i + 1;
      acc = part.replace(/^\s+/, '');
    } else {
      acc += part;
    }
    if (!continues) {
      yield { line: start, text: acc };
      acc = null;
    }
  }
  if (acc !== null && acc.trim() !== '') yield { line: start, text: acc };
}

function parseInstruction(line: number, text: string, escape: string, file: string): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text) as RegExpExecArray;
  const name = m[1].toUpperCase();
  const fail = (why: string): never => {
    throw new DockerfileError(line, `${name}: ${why}`, file);
  };
  if (UNSUPPORTED.includes(name)) throw new DockerfileError(line, `unsupported instruction ${name} (tabkernel builds ${SUPPORTED.join(', ')})`, file);
  if (!SUPPORTED.includes(name)) throw new DockerfileError(line, `unknown instruction ${m[1]} (tabkernel builds ${SUPPORTED.join(', ')})`, file);
  const { flags, rest } = takeFlags(m[2].trim(), name, fail);
  const base = { line, text: text.trim(), flags };
  if (/^<<-?\s*["']?[A-Za-z_]/.test(rest) && (name === 'RUN' || name === 'COPY' || name === 'ADD')) {
    fail('here-documents (<<EOF) are not supported');
  }
  switch (name) {
    case 'FROM': {
      const w = rest.split(/\s+/).filter((s) => s !== '');
      if (w.length === 1) return { ...base, kind: 'FROM', image: w[0] };
      if (w.length === 3 && w[1].toUpperCase() === 'AS') {
        if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(w[2])) fail(`invalid stage name ${JSON.stringify(w[2])}`);
        return { ...base, kind: 'FROM', image: w[0], as: w[2].toLowerCase() };
      }
      return fail('expected FROM IMAGE [AS NAME]');
    }
    case 'RUN': case 'CMD': case 'ENTRYPOINT': {
      if (rest === '') fail('needs a command');
      return { ...base, kind: name as 'RUN' | 'CMD' | 'ENTRYPOINT', command: commandOf(rest) } as Instruction;
    }
    case 'COPY': case 'ADD': {
      const list = jsonList(rest) ?? rest.split(/\s+/).filter((s) => s !== '');
      if (list.length < 2) fail('needs at least one source and a destination');
      return { ...base, kind: name, sources: list.slice(0, -1), dest: list[list.length - 1] };
    }
    case 'ENV': case 'LABEL': return { ...base, kind: name, pairs: nameValues(rest, escape, fail) };
    case 'ARG': {
      const w = shellWords(rest, escape);
      if (w.length === 0) fail('needs a NAME');
      return {
        ...base, kind: 'ARG', args: w.map((word) => {
          const eq = word.indexOf('=');
          const argName = eq < 0 ? word : word.slice(0, eq);
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(argName)) fail(`invalid name ${JSON.stringify(argName)}`);
          return eq < 0 ? { name: argName } : { name: argName, value: word.slice(eq + 1) };
        }),
      };
    }
    case 'WORKDIR': case 'USER': {
      if (rest === '') fail('needs a value');
      return { ...base, kind: name, value: rest };
    }
    default: { // EXPOSE
      const ports = rest.split(/\s+/).filter((s) => s !== '');
      if (ports.length === 0) fail('needs a PORT[/PROTOCOL]');
      return { ...base, kind: 'EXPOSE', ports };
    }
  }
}

/** Leading `--name[=value]` words, checked against what `name` takes, and the rest. */
function takeFlags(args: string, name: string, fail: (why: string) => never): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = args;
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    if (!(FLAGS[name] ?? []).includes(m[1])) {
      const takes = FLAGS[name] ? ` (it takes ${FLAGS[name].map((f) => `--${f}`).join(', ')})` : '';
      fail(`unsupported flag --${m[1]}${takes}`);
    }
    if (flags.has(m[1])) fail(`--${m[1]} given twice`);
    flags.set(m[1], m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** RUN/CMD/ENTRYPOINT's argument: a JSON array of strings is the exec form, anything else the shell form. */
function commandOf(rest: string): Command {
  const list = jsonList(rest);
  return list ? { exec: list } : { shell: rest };
}

/** `rest` as a JSON array of strings, or null when it is not one. */
function jsonList(rest: string): string[] | null {
  if (!rest.startsWith('[')) return null;
  let v: unknown;
  try {
    v = JSON.parse(rest);
  } catch {
    return null;
  }
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;
}

/**
 * ENV's and LABEL's NAME=VALUE pairs (the values as written, quotes and all:
 * substitution takes them away), or the old form `NAME VALUE` (the rest of
 * the line is the value), chosen by whether the first word has a '='.
 */
function nameValues(rest: string, escape: string, fail: (why: string) => never): Array<[string, string]> {
  const w = shellWords(rest, escape);
  if (w.length === 0) fail('needs NAME=VALUE');
  if (!w[0].includes('=')) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(rest);
    if (!m) fail(`needs a value for ${w[0]} (NAME=VALUE, or NAME VALUE)`);
    return [[m![1], m![2]]];
  }
  return w.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) fail(`${JSON.stringify(word)} is not of the form NAME=VALUE`);
    if (eq === 0) fail(`${JSON.stringify(word)} has no name`);
    return [word.slice(0, eq), word.slice(eq + 1)] as [string, string];
  });
}

/**
 * Split at white space outside quotes, keeping the quotes and escapes (they
 * are substitution's to take away): how Docker splits ENV, LABEL and ARG.
 */
export function shellWords(rest: string, escape: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote === null) {
      if (/\s/.test(c)) {
        if (started) out.push(word);
        word = '';
        started = false;
        continue;
      }
      started = true;
      if (c === "'" || c === '"') quote = c;
      if (c === escape && i + 1 < rest.length) {
        word += c + rest[++i];
        continue;
      }
      word += c;
      continue;
    }
    if (c === quote) quote = null;
    else if (c === escape && quote !== "'" && i + 1 < rest.length) {
      word += c + rest[++i];
      continue;
    }
    word += c;
  }
  if (started) out.push(word);
  return out;
}
