// .dockerignore: which paths of a build context COPY and ADD may not see.
// One pattern a line (blank lines and `#` comments skipped), cleaned as a path
// (`./a//b/` is `a/b`, a leading `/` dropped); `!` before a pattern makes it an
// exception. A path is excluded when the last pattern that matches it, or
// matches one of its parent directories, is not an exception — so `dir`
// excludes all below it and a later `!dir/keep` brings one file back.
// Patterns as Go's filepath.Match: `*` any run of characters but `/`, `?` one
// character but `/`, `[a-z]`/`[^a-z]` classes, `\` escapes; and `**` any
// number of directories, none included (`**/x`, `a/**/b`, a trailing `**`).
// Spec: the Dockerfile reference, ".dockerignore file"; moby/patternmatcher
// (the behaviour).
import { cleanPath } from '../lib/pathname.js';

interface Pattern {
  /** The cleaned pattern as written (for messages). */
  text: string;
  exception: boolean;
  re: RegExp;
}

export class DockerIgnore {
  private constructor(private readonly patterns: readonly Pattern[]) {}

  /** The patterns of a .dockerignore file's text. Throws on a malformed pattern. */
  static parse(text: string): DockerIgnore {
    const out: Pattern[] = [];
    for (const [n, raw] of text.split(/\r?\n/).entries()) {
      let line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const exception = line.startsWith('!');
      if (exception) line = line.slice(1).trim();
      const text = cleanPath(line);
      if (text === '') continue;
      let re: RegExp;
      try {
        re = compile(text);
      } catch (e) {
        throw new Error(`.dockerignore:${n + 1}: ${(e as Error).message}`, { cause: e });
      }
      out.push({ text, exception, re });
    }
    return new DockerIgnore(out);
  }

  /** Nothing is excluded. */
  static none(): DockerIgnore {
    return new DockerIgnore([]);
  }

  /** Whether some pattern is an exception (an excluded directory may then hold included paths). */
  get hasExceptions(): boolean {
    return this.patterns.some((p) => p.exception);
  }

  /** Whether `path` (relative to the context, '/'-separated) is excluded. */
  excluded(path: string): boolean {
    const clean = cleanPath(path);
    if (clean === '') return false;
    const parents: string[] = [];
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let excluded = false;
    for (const p of this.patterns) {
      if (p.re.test(clean) || parents.some((d) => p.re.test(d))) excluded = !p.exception;
    }
    return excluded;
  }
}


const SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$', '^']);

/** A pattern (cleaned) as an anchored regular expression; COPY's wildcards match with it too. */
export function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`unterminated character class in ${JSON.stringify(pattern)}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/[\\\]]/g, '\\$&');
      else cls = cls.replace(/[\\\]^]/g, '\\$&');
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) re += '\\\\';
      else {
        re += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        i++;
      }
    } else if (SPECIAL.has(c)) {
      re += '\\' + c;
    } else {
      re += c;
    }
  }
  try {
    return new RegExp(re + '$', 'u');
  } catch (e) {
    throw new Error(`bad pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`, { cause: e });
  }
}
