import { describe, expect, it } from 'vitest';
import { SubstitutionError, expand, variables, words } from './substitute.js';

const vars = variables(new Map([['NAME', 'world'], ['EMPTY', ''], ['SPACED', 'a b  c'], ['DIR', '/srv']]));
const x = (w: string, escape?: string) => expand(w, vars, escape);

describe('substitution', () => {
  it('replaces $NAME and ${NAME}, and an unset name with nothing', () => {
    expect(x('hello $NAME')).toBe('hello world');
    expect(x('${NAME}ly')).toBe('worldly');
    expect(x('$NAMEly')).toBe('');
    expect(x('[$UNSET]')).toBe('[]');
    expect(x('$DIR/app')).toBe('/srv/app');
  });

  it('keeps a $ that starts no name', () => {
    expect(x('cost: 5$')).toBe('cost: 5$');
    expect(x('$ $.')).toBe('$ $.');
  });

  it('gives ${NAME:-word} when unset or empty, ${NAME-word} only when unset', () => {
    expect(x('${UNSET:-dflt}')).toBe('dflt');
    expect(x('${EMPTY:-dflt}')).toBe('dflt');
    expect(x('${NAME:-dflt}')).toBe('world');
    expect(x('${UNSET-dflt}')).toBe('dflt');
    expect(x('${EMPTY-dflt}')).toBe('');
  });

  it('gives ${NAME:+word} when set and not empty, ${NAME+word} when set at all', () => {
    expect(x('${NAME:+alt}')).toBe('alt');
    expect(x('${EMPTY:+alt}')).toBe('');
    expect(x('${UNSET:+alt}')).toBe('');
    expect(x('${EMPTY+alt}')).toBe('alt');
    expect(x('${UNSET+alt}')).toBe('');
  });

  it('substitutes inside a modifier\'s word, nested', () => {
    expect(x('${UNSET:-$NAME}')).toBe('world');
    expect(x('${UNSET:-${ALSO:-deep}}')).toBe('deep');
    expect(x('${NAME:+[$DIR]}')).toBe('[/srv]');
  });

  it('fails ${NAME:?message} with the message when unset or empty', () => {
    expect(() => x('${UNSET:?must be given}')).toThrow(/UNSET: must be given/);
    expect(() => x('${EMPTY:?}')).toThrow(SubstitutionError);
    expect(x('${EMPTY?}')).toBe('');
    expect(() => x('${UNSET?}')).toThrow(/UNSET: is not set/);
  });

  it('refuses an unsupported modifier and a missing }', () => {
    expect(() => x('${NAME/a/b}')).toThrow(/unsupported modifier/);
    expect(() => x('${NAME')).toThrow(/unsupported modifier|missing/);
    expect(() => x('${UNSET:-x')).toThrow(/missing '}'/);
    expect(() => x('${}')).toThrow(/without a name/);
  });

  it('takes quotes away: single quotes literal, double quotes substituted', () => {
    expect(x(`'$NAME'`)).toBe('$NAME');
    expect(x(`"$NAME"`)).toBe('world');
    expect(x(`"a 'b' c"`)).toBe(`a 'b' c`);
    expect(x(`it's'' '"fine"`)).toBe(`its fine`);
    expect(() => x(`'open`)).toThrow(/unterminated single quote/);
    expect(() => x(`"open`)).toThrow(/unterminated double quote/);
  });

  it('makes the character after the escape literal; inside "…" only before " $ and itself', () => {
    expect(x('\\$NAME')).toBe('$NAME');
    expect(x('a\\ b')).toBe('a b');
    expect(x('"\\$NAME \\" \\\\ \\n"')).toBe('$NAME " \\ \\n');
    expect(x('end\\')).toBe('end');
  });

  it('uses the backtick as the escape character under # escape=`', () => {
    expect(x('`$NAME\\x', '`')).toBe('$NAME\\x');
    expect(x('"`"q`""', '`')).toBe('"q"');
  });
});

describe('words', () => {
  it('splits at unquoted white space, keeping quoted spaces', () => {
    expect(words(`a  b "c d" 'e f'g`, vars)).toEqual(['a', 'b', 'c d', 'e fg']);
    expect(words(`  `, vars)).toEqual([]);
    expect(words(`"" x`, vars)).toEqual(['', 'x']);
  });

  it('splits a substituted value, but not a quoted one', () => {
    expect(words('$SPACED', vars)).toEqual(['a', 'b', 'c']);
    expect(words('"$SPACED"', vars)).toEqual(['a b  c']);
    expect(words('x\\ y z', vars)).toEqual(['x y', 'z']);
  });

  it('reads NAME=VALUE lists of variables', () => {
    const v = variables(['A=1', 'B=x=y', 'bad']);
    expect(expand('$A $B $bad', v)).toBe('1 x=y ');
  });
});
