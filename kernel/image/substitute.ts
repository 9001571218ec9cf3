// Variable substitution in a Dockerfile's words, as Docker's shell lexer does
// it for the instructions it substitutes in (FROM, COPY, ADD, ENV, ARG, LABEL,
// WORKDIR, USER, EXPOSE; never RUN, CMD or ENTRYPOINT, whose shell does its
// own): `$NAME`, `${NAME}`, `${NAME:-word}` (unset or empty: word),
// `${NAME-word}` (unset: word), `${NAME:+word}` (set and not empty: word),
// `${NAME+word}` (set: word), `${NAME:?message}` and `${NAME?message}` (an
// error when unset, or empty for `:?`). The word of a modifier is itself
// substituted. Quotes are taken away as a shell would: '…' is literal, "…"
// substitutes but is one word, and the escape character (`\`, or "`" under
// `# escape=`) makes the next character literal — inside "…" only before
// `"`, `$` and itself.
// `words` also splits on white space outside quotes, as COPY's and EXPOSE's
// arguments are split; a substituted value is split too (Docker does the same).
// Spec: Dockerfile reference, "Environment replacement"; moby/buildkit
// frontend/dockerfile/shell (the behaviour, not the code).

/** A substitution that cannot be done: a bad `${…}`, an unterminated quote, a `${NAME:?}` of an unset NAME. */
export class SubstitutionError extends Error {
  override name = 'SubstitutionError';
}

/** What the variables are: a name → value lookup (undefined: unset). */
export type Variables = (name: string) => string | undefined;

/** Make a lookup from a map (or a list of NAME=VALUE). */
export function variables(from: ReadonlyMap<string, string> | readonly string[]): Variables {
  if (!Array.isArray(from)) {
    const m = from as ReadonlyMap<string, string>;
    return (name) => m.get(name);
  }
  const m = new Map<string, string>();
  for (const e of from as readonly string[]) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
  }
  return (name) => m.get(name);
}

/** `word` with its variables substituted and its quotes taken away. Throws SubstitutionError. */
export function expand(word: string, vars: Variables, escape = '\\'): string {
  return new Lexer(word, vars, escape).run().text;
}

/** `text` substituted and split into words at unquoted white space. Throws SubstitutionError. */
export function words(text: string, vars: Variables, escape = '\\'): string[] {
  return new Lexer(text, vars, escape).run().words;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isNameChar = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);

/** Words being gathered: characters that may split (unquoted) and ones that may not (quoted, escaped). */
class Words {
  readonly list: string[] = [];
  private word = '';
  private started = false;

  /** An unquoted character: white space ends the word. */
  char(c: string): void {
    if (isSpace(c)) {
      this.end();
      return;
    }
    this.word += c;
    this.started = true;
  }
  /** A quoted or escaped character, or a quoted string: part of the word whatever it is. */
  raw(s: string): void {
    this.word += s;
    this.started = true;
  }
  /** A substituted value: split at its white space as unquoted text is. */
  split(s: string): void {
    for (const c of s) this.char(c);
  }
  end(): void {
    if (this.started) this.list.push(this.word);
    this.word = '';
    this.started = false;
  }
}

class Lexer {
  private pos = 0;

  constructor(private readonly src: string, private readonly vars: Variables, private readonly escape: string) {}

  run(): { text: string; words: string[] } {
    const w = new Words();
    const text = this.until(null, w);
    w.end();
    return { text, words: w.list };
  }

  private peek(): string | null {
    return this.pos < this.src.length ? this.src[this.pos] : null;
  }

  /**
   * Read up to `stop` (consumed; null: the end) and return the text; `w`,
   * if given, gathers the words. A `stop` never met is an error.
   */
  private until(stop: string | null, w: Words | null): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === null) {
        if (stop !== null) throw new SubstitutionError(`missing '${stop}' in ${JSON.stringify(this.src)}`);
        return out;
      }
      if (c === stop) {
        this.pos++;
        return out;
      }
      if (c === "'") {
        const s = this.single();
        out += s;
        w?.raw(s);
      } else if (c === '"') {
        const s = this.double();
        out += s;
        w?.raw(s);
      } else if (c === '$') {
        const s = this.dollar();
        out += s;
        w?.split(s);
      } else {
        this.pos++;
        if (c === this.escape) {
          const next = this.peek();
          if (next === null) break; // an escape at the very end is dropped
          this.pos++;
          out += next;
          w?.raw(next);
        } else {
          out += c;
          w?.char(c);
        }
      }
    }
    return out;
  }

  /** '…': every character literal up to the closing quote. */
  private single(): string {
    const start = this.pos++;
    const end = this.src.indexOf("'", this.pos);
    if (end < 0) throw new SubstitutionError(`unterminated single quote at ${JSON.stringify(this.src.slice(start))}`);
    this.pos = end + 1;
    return this.src.slice(start + 1, end);
  }

  /** "…": substitutions, and the escape character before `"`, `$` or itself. */
  private double(): string {
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === null) throw new SubstitutionError(`unterminated double quote at ${JSON.stringify(this.src.slice(start))}`);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '$') {
        out += this.dollar();
        continue;
      }
      this.pos++;
      const next = this.peek();
      if (c === this.escape && (next === '"' || next === '$' || next === this.escape)) {
        this.pos++;
        out += next;
      } else {
        out += c;
      }
    }
  }

  /** `$NAME`, `${NAME}` or `${NAME<modifier>word}`; a `$` before anything else is itself. */
  private dollar(): string {
    this.pos++; // '$'
    const c = this.peek();
    if (c !== '{') {
      const name = this.name();
      return name === '' ? '$' : (this.vars(name) ?? '');
    }
    this.pos++; // '{'
    const name = this.name();
    if (name === '') throw new SubstitutionError(`bad substitution in ${JSON.stringify(this.src)}: \${ without a name`);
    const value = this.vars(name);
    let m = this.peek();
    if (m === '}') {
      this.pos++;
      return value ?? '';
    }
    const colon = m === ':';
    if (colon) {
      this.pos++;
      m = this.peek();
    }
    if (m !== '-' && m !== '+' && m !== '?') {
      throw new SubstitutionError(`unsupported modifier ${JSON.stringify((colon ? ':' : '') + (m ?? ''))} in \${${name}…} (supported: :- - :+ + :? ?)`);
    }
    this.pos++;
    const word = this.until('}', null);
    const unset = value === undefined || (colon && value === '');
    switch (m) {
      case '-': return unset ? word : (value as string);
      case '+': return unset ? '' : word;
      default:
        if (unset) throw new SubstitutionError(`${name}: ${word || (colon ? 'is not set or empty' : 'is not set')}`);
        return value as string;
    }
  }

  private name(): string {
    const start = this.pos;
    while (this.peek() !== null && isNameChar(this.peek() as string)) this.pos++;
    return this.src.slice(start, this.pos);
  }
}
