import { describe, expect, it } from 'vitest';
import { DockerIgnore, compile } from './dockerignore.js';
import { cleanPath } from '../lib/pathname.js';

const ignore = (text: string) => DockerIgnore.parse(text);

describe('.dockerignore', () => {
  it('excludes what a pattern names, and everything below a directory it names', () => {
    const d = ignore('node_modules\n*.log\n');
    expect(d.excluded('node_modules')).toBe(true);
    expect(d.excluded('node_modules/x/y.js')).toBe(true);
    expect(d.excluded('build.log')).toBe(true);
    expect(d.excluded('src/build.log')).toBe(false); // * does not cross '/'
    expect(d.excluded('src/main.c')).toBe(false);
  });

  it('skips comments and blank lines, and cleans patterns and paths', () => {
    const d = ignore('# a comment\n\n  ./docs//  \n/tmp\n');
    expect(d.excluded('docs/a.md')).toBe(true);
    expect(d.excluded('tmp')).toBe(true);
    expect(d.excluded('./docs/b')).toBe(true);
    expect(d.excluded('# a comment')).toBe(false);
  });

  it('brings paths back with ! exceptions; the last pattern that matches wins', () => {
    const d = ignore('*.md\n!README.md\nsecret/\n!secret/public\nsecret/public/private.key\n');
    expect(d.excluded('a.md')).toBe(true);
    expect(d.excluded('README.md')).toBe(false);
    expect(d.excluded('secret/x')).toBe(true);
    expect(d.excluded('secret/public/a')).toBe(false);
    expect(d.excluded('secret/public/private.key')).toBe(true);
    expect(d.hasExceptions).toBe(true);
    expect(ignore('a\n').hasExceptions).toBe(false);
  });

  it('excludes everything but an exception: * then !dir', () => {
    const d = ignore('*\n!rootfs\n');
    expect(d.excluded('build.sh')).toBe(true);
    expect(d.excluded('sh/sh.c')).toBe(true);
    expect(d.excluded('rootfs')).toBe(false);
    expect(d.excluded('rootfs/bin/sh')).toBe(false);
  });

  it('matches ** as any number of directories, none included', () => {
    const d = ignore('**/*.o\ndocs/**/draft\nvendor/**\n');
    expect(d.excluded('a.o')).toBe(true);
    expect(d.excluded('x/y/z.o')).toBe(true);
    expect(d.excluded('docs/draft')).toBe(true);
    expect(d.excluded('docs/a/b/draft')).toBe(true);
    expect(d.excluded('docs/a/drafts')).toBe(false);
    expect(d.excluded('vendor/lib/x')).toBe(true);
    expect(d.excluded('vendorx')).toBe(false);
  });

  it('matches ? and character classes within one component, and escapes', () => {
    const d = ignore('file?.txt\n[a-c]*.bin\n[^x]y\nlit\\*eral\n');
    expect(d.excluded('file1.txt')).toBe(true);
    expect(d.excluded('file10.txt')).toBe(false);
    expect(d.excluded('file/.txt')).toBe(false);
    expect(d.excluded('b1.bin')).toBe(true);
    expect(d.excluded('d1.bin')).toBe(false);
    expect(d.excluded('zy')).toBe(true);
    expect(d.excluded('xy')).toBe(false);
    expect(d.excluded('lit*eral')).toBe(true);
    expect(d.excluded('litXeral')).toBe(false);
  });

  it('takes regular expression characters literally', () => {
    const d = ignore('a+b.(c)\n$x^\n');
    expect(d.excluded('a+b.(c)')).toBe(true);
    expect(d.excluded('aab.(c)')).toBe(false);
    expect(d.excluded('$x^')).toBe(true);
  });

  it('reports a malformed pattern with its line', () => {
    expect(() => ignore('ok\n[abc\n')).toThrow(/^\.dockerignore:2: unterminated character class/);
  });

  it('excludes nothing without patterns', () => {
    expect(DockerIgnore.none().excluded('anything')).toBe(false);
    expect(ignore('').excluded('x')).toBe(false);
  });
});

describe('cleanPath and compile', () => {
  it('cleans as path.Clean does, relative', () => {
    expect(cleanPath('/a/./b//c/../d/')).toBe('a/b/d');
    expect(cleanPath('.')).toBe('');
  });

  it('anchors a pattern to the whole path', () => {
    expect(compile('a*').test('abc')).toBe(true);
    expect(compile('a*').test('xabc')).toBe(false);
  });
});
