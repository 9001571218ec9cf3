import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile, shellWords, type Instruction } from './dockerfile.js';

const parse = (text: string) => parseDockerfile(text).instructions;
const one = (text: string): Instruction => {
  const all = parse(text);
  expect(all).toHaveLength(1);
  return all[0];
};
/** The error parsing `text` throws. */
function failure(text: string, file?: string): DockerfileError {
  try {
    parseDockerfile(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(DockerfileError);
    return e as DockerfileError;
  }
  throw new Error('parsed without an error');
}

describe('the Dockerfile parser', () => {
  it('reads instructions case-insensitively, each with the line it starts on', () => {
    const all = parse('from scratch\n\n  Copy a /b\nRUN true\n');
    expect(all.map((i) => [i.kind, i.line])).toEqual([['FROM', 1], ['COPY', 3], ['RUN', 4]]);
  });

  it('joins continued lines and skips comments and blank lines inside them', () => {
    const run = one('RUN echo a \\\n    b \\\n# a comment\n\n  && echo c');
    expect(run).toMatchObject({ kind: 'RUN', line: 1, command: { shell: 'echo a     b   && echo c' } });
  });

  it('ends an instruction whose last line continues at the end of the file', () => {
    expect(one('RUN echo a \\')).toMatchObject({ command: { shell: 'echo a' } });
  });

  it('treats # as a comment only at the start of a line', () => {
    expect(one('# comment\nRUN echo # not a comment')).toMatchObject({ command: { shell: 'echo # not a comment' }, line: 2 });
  });

  it('reads parser directives at the top, and not after anything else', () => {
    const df = parseDockerfile('# syntax=docker/dockerfile:1\n# Escape=`\nFROM scratch\n');
    expect([...df.directives]).toEqual([['syntax', 'docker/dockerfile:1'], ['escape', '`']]);
    expect(df.escape).toBe('`');
    const late = parseDockerfile('# a comment\n# escape=`\nFROM scratch\n');
    expect(late.directives.size).toBe(0);
    expect(late.escape).toBe('\\');
    expect(parseDockerfile('FROM scratch\n# escape=`\n').escape).toBe('\\');
  });

  it('continues lines with the backtick under # escape=`', () => {
    const df = parseDockerfile('# escape=`\nRUN dir c:\\ `\n  && echo done\n');
    expect(df.instructions[0]).toMatchObject({ command: { shell: 'dir c:\\   && echo done' }, line: 2 });
  });

  it('refuses a bad escape directive and a directive given twice, naming the line', () => {
    expect(failure('# escape=x\nFROM scratch').message).toBe('Dockerfile:1: invalid escape character "x": must be \\ or `');
    expect(failure('# syntax=a\n# syntax=b\n').line).toBe(2);
  });

  it('tells the exec form (a JSON array of strings) from the shell form', () => {
    expect(one('CMD ["/bin/sh", "-c", "echo hi"]')).toMatchObject({ kind: 'CMD', command: { exec: ['/bin/sh', '-c', 'echo hi'] } });
    expect(one('ENTRYPOINT ["/app"]')).toMatchObject({ command: { exec: ['/app'] } });
    expect(one('RUN ["a", 1]')).toMatchObject({ command: { shell: '["a", 1]' } });
    expect(one('RUN [not json')).toMatchObject({ command: { shell: '[not json' } });
    expect(one('CMD echo $HOME')).toMatchObject({ command: { shell: 'echo $HOME' } });
    expect(one('RUN []')).toMatchObject({ command: { exec: [] } });
  });

  it('reads FROM with AS and --platform', () => {
    expect(one('FROM scratch')).toMatchObject({ kind: 'FROM', image: 'scratch' });
    expect(one('FROM --platform=wasi/wasm example.com/base:1 AS Builder')).toMatchObject({
      image: 'example.com/base:1', as: 'builder', flags: new Map([['platform', 'wasi/wasm']]),
    });
    expect(failure('FROM a b').message).toMatch(/^Dockerfile:1: FROM: expected FROM IMAGE \[AS NAME\]/);
    expect(failure('FROM a AS 1x').message).toMatch(/invalid stage name "1x"/);
  });

  it('reads COPY and ADD: flags, then sources and a destination, as a list or JSON', () => {
    expect(one('COPY --from=build --chown=1:2 a b /dst/')).toMatchObject({
      kind: 'COPY', sources: ['a', 'b'], dest: '/dst/', flags: new Map([['from', 'build'], ['chown', '1:2']]),
    });
    expect(one('ADD ["with space", "/d e/"]')).toMatchObject({ kind: 'ADD', sources: ['with space'], dest: '/d e/' });
    expect(failure('FROM scratch\nCOPY onlyone').message).toBe('Dockerfile:2: COPY: needs at least one source and a destination');
  });

  it('refuses a flag an instruction does not take, naming it', () => {
    expect(failure('FROM scratch\nRUN --mount=type=cache,target=/x make').message).toBe('Dockerfile:2: RUN: unsupported flag --mount');
    expect(failure('ADD --from=x a b').message).toMatch(/ADD: unsupported flag --from \(it takes --chown, --chmod, --link\)/);
    expect(failure('COPY --chown=1 --chown=2 a b').message).toMatch(/--chown given twice/);
  });

  it('reads ENV and LABEL pairs with quotes kept for substitution, and the old NAME VALUE form', () => {
    expect(one('ENV A=1 B="two words" C=\'$x\' D=a\\ b')).toMatchObject({
      kind: 'ENV', pairs: [['A', '1'], ['B', '"two words"'], ['C', "'$x'"], ['D', 'a\\ b']],
    });
    expect(one('ENV PATH /usr/bin:/bin extra')).toMatchObject({ pairs: [['PATH', '/usr/bin:/bin extra']] });
    expect(one('LABEL "com.example.x"="v" y=z')).toMatchObject({ kind: 'LABEL', pairs: [['"com.example.x"', '"v"'], ['y', 'z']] });
    expect(failure('ENV A=1 B').message).toMatch(/ENV: "B" is not of the form NAME=VALUE/);
    expect(failure('ENV ONLY').message).toMatch(/ENV: needs a value for ONLY/);
    expect(failure('ENV =x').message).toMatch(/has no name/);
  });

  it('reads ARG as NAME or NAME=DEFAULT, several at once', () => {
    expect(one('ARG A B=2 C="x y"')).toMatchObject({ kind: 'ARG', args: [{ name: 'A' }, { name: 'B', value: '2' }, { name: 'C', value: '"x y"' }] });
    expect(failure('ARG 9lives').message).toMatch(/ARG: invalid name "9lives"/);
  });

  it('reads WORKDIR and USER as the rest of the line, EXPOSE as words', () => {
    expect(one('WORKDIR /my app')).toMatchObject({ kind: 'WORKDIR', value: '/my app' });
    expect(one('USER app:staff')).toMatchObject({ kind: 'USER', value: 'app:staff' });
    expect(one('EXPOSE 80 53/udp  8000-8002')).toMatchObject({ kind: 'EXPOSE', ports: ['80', '53/udp', '8000-8002'] });
    expect(failure('WORKDIR').message).toBe('Dockerfile:1: WORKDIR: needs a value');
  });

  it('names the line and the instruction of an unknown or unsupported one', () => {
    const e = failure('FROM scratch\nCOPY a /\n\nFROBNICATE now\n', 'build/Dockerfile.dev');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^build\/Dockerfile\.dev:4: unknown instruction FROBNICATE \(tabkernel builds FROM, RUN, /);
    expect(failure('FROM scratch\nHEALTHCHECK CMD true').message).toMatch(/^Dockerfile:2: unsupported instruction HEALTHCHECK/);
    expect(failure('FROM scratch\nshell ["/bin/bash", "-c"]').message).toMatch(/^Dockerfile:2: unsupported instruction SHELL/);
  });

  it('refuses here-documents clearly', () => {
    expect(failure('FROM scratch\nRUN <<EOF\necho hi\nEOF').message).toBe('Dockerfile:2: RUN: here-documents (<<EOF) are not supported');
    expect(one('RUN cat <<EOF')).toMatchObject({ command: { shell: 'cat <<EOF' } });
  });

  it('keeps the text of each instruction for messages', () => {
    expect(one('copy  a   b').text).toBe('copy  a   b');
  });

  it('reads a byte-order mark and CRLF line ends', () => {
    expect(parse('\uFEFFFROM scratch\r\nRUN echo hi\r\n').map((i) => i.kind)).toEqual(['FROM', 'RUN']);
  });
});

describe('shellWords', () => {
  it('splits at white space outside quotes and keeps quotes and escapes', () => {
    expect(shellWords(`a "b c" 'd e'f g\\ h`, '\\')).toEqual(['a', '"b c"', "'d e'f", 'g\\ h']);
    expect(shellWords(`'a\\' b`, '\\')).toEqual(["'a\\'", 'b']);
  });
});
