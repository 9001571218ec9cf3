import { describe, expect, it } from 'vitest';
import { parseBuildArgs, type BuildArgs } from './buildargs.js';

const env = (vars: Record<string, string>) => (name: string) => vars[name];
const parse = (argv: string[], vars: Record<string, string> = {}) => parseBuildArgs(argv, env(vars));

describe('image build arguments', () => {
  it('reads -t, -f, --target, --output oci:DIR, --no-cache and the context, in both flag spellings', () => {
    expect(parse(['-t', 'x:1', '-f', 'Dockerfile.dev', '--target=base', '--output', 'oci:out', '--no-cache', 'ctx'])).toEqual({
      tag: 'x:1', file: 'Dockerfile.dev', target: 'base', output: 'out', noCache: true, context: 'ctx', buildArgs: new Map(),
    } satisfies BuildArgs);
    expect(parse(['--tag=y', '--file=F', '--output=type=oci,dest=o', '.'])).toMatchObject({ tag: 'y', file: 'F', output: 'o', context: '.' });
  });

  it('takes --build-arg NAME=VALUE, and a bare NAME from the environment (dropped when unset)', () => {
    const r = parse(['--build-arg', 'A=1', '--build-arg=B=x=y', '--build-arg', 'HOME', '--build-arg', 'UNSET', '.'], { HOME: '/root' }) as BuildArgs;
    expect([...r.buildArgs]).toEqual([['A', '1'], ['B', 'x=y'], ['HOME', '/root']]);
  });

  it('takes SOURCE_DATE_EPOCH from the environment unless a build argument gives it', () => {
    expect((parse(['.'], { SOURCE_DATE_EPOCH: '1700000000' }) as BuildArgs).buildArgs.get('SOURCE_DATE_EPOCH')).toBe('1700000000');
    expect((parse(['--build-arg', 'SOURCE_DATE_EPOCH=5', '.'], { SOURCE_DATE_EPOCH: '7' }) as BuildArgs).buildArgs.get('SOURCE_DATE_EPOCH')).toBe('5');
  });

  it('says what is wrong with bad arguments', () => {
    expect(parse([])).toEqual(new Error('the build context (a directory) is missing'));
    expect(parse(['a', 'b'])).toEqual(new Error('one build context, not 2: a b'));
    expect(parse(['-t'])).toEqual(new Error('-t needs a value'));
    expect(parse(['--squash', '.'])).toEqual(new Error('unknown option --squash'));
    expect(parse(['--output', 'type=docker', '.'])).toEqual(new Error('--output type=docker: only oci:DIR (an OCI image layout) is supported'));
    expect(parse(['--build-arg', '1X=2', '.'])).toEqual(new Error('--build-arg 1X=2: not NAME=VALUE'));
  });
});
