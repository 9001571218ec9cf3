// Arguments, environment, clocks and random numbers through the CLI.
// The guest sees exactly its --env variables and its arguments byte for byte
// (wasi-testsuite args_* / environ_* tests; docs/WASI-CONFORMANCE.md §2.8).
import { describe, expect, it } from 'vitest';
import { expectAllOk, passed, prog, run } from './wasi-cli.js';

const contractEnv = ['TK_A=1', 'TK_B=x=y', 'TK_EMPTY=', 'TK_NL=a\nb'];
const contractArgs = ['one', 'two words', '', 'ünï'];

describe('args, environ, clocks, random (clock_random_args)', () => {
  it('passes arguments and only the --env variables, byte for byte', () => {
    const r = run(prog('clock_random_args'), contractArgs, {
      env: contractEnv,
      hostEnv: { ...process.env, PATH: process.env.PATH, HOME: '/home/nobody', TK_LEAK: 'leak' },
    });
    expectAllOk(r, 30);
    // The in-process clock and random paths (kernel/lib/time.ts, runtime/entropy.ts).
    for (const name of ['clock.realtime-and-monotonic-agree', 'random.small-nonzero', 'random.small-unique']) {
      expect(passed(r).has(name), name).toBe(true);
    }
  });

  it('fails the environment checks when a variable is missing', () => {
    const r = run(prog('clock_random_args'), contractArgs, { env: contractEnv.slice(0, 3) });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL env\.only-given/m);
  });

  it('fails the argument checks when an argument differs', () => {
    const r = run(prog('clock_random_args'), ['one', 'two', '', 'ünï'], { env: contractEnv });
    expect(r.stdout).toMatch(/^FAIL args\.values/m);
    expect(passed(r)).toContain('env.only-given');
  });
});

describe('--env KEY without a value', () => {
  it('passes the host\'s value of KEY', () => {
    const r = run(prog('clock_random_args'), contractArgs, {
      env: ['TK_A', 'TK_B=x=y', 'TK_EMPTY=', 'TK_NL=a\nb'],
      hostEnv: { ...process.env, TK_A: '1' },
    });
    expect(passed(r)).toContain('env.TK_A');
    expect(passed(r)).toContain('env.only-given');
  });
});
