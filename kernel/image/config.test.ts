import { describe, expect, it } from 'vitest';
import { DEFAULT_PATH } from '../abi/messages.js';
import { containerCommand, type ContainerCommand, type RunConfig } from './config.js';

const image: RunConfig = {
  Entrypoint: ['/bin/app', '--serve'],
  Cmd: ['--port', '80'],
  Env: ['PATH=/opt/bin:/bin', 'MODE=prod'],
  WorkingDir: '/srv/app/',
};

function ok(c: ContainerCommand | Error): ContainerCommand {
  if (c instanceof Error) throw c;
  return c;
}

describe('what a container runs (Docker rules)', () => {
  it('runs Entrypoint then Cmd, with the image Env and WorkingDir', () => {
    expect(ok(containerCommand(image))).toEqual({
      argv: ['/bin/app', '--serve', '--port', '80'], env: ['PATH=/opt/bin:/bin', 'MODE=prod'], cwd: '/srv/app',
    });
  });

  it('lets arguments replace Cmd but keep Entrypoint', () => {
    expect(ok(containerCommand(image, { args: ['--port', '8080'] })).argv).toEqual(['/bin/app', '--serve', '--port', '8080']);
  });

  it('lets --entrypoint replace Entrypoint and drop Cmd; arguments follow it', () => {
    expect(ok(containerCommand(image, { entrypoint: '/bin/sh' })).argv).toEqual(['/bin/sh']);
    expect(ok(containerCommand(image, { entrypoint: '/bin/sh', args: ['-c', 'echo hi'] })).argv).toEqual(['/bin/sh', '-c', 'echo hi']);
  });

  it('runs Cmd alone when there is no Entrypoint, and arguments alone then', () => {
    const cmdOnly: RunConfig = { Cmd: ['/bin/sh'] };
    expect(ok(containerCommand(cmdOnly)).argv).toEqual(['/bin/sh']);
    expect(ok(containerCommand(cmdOnly, { args: ['ls', '-l'] })).argv).toEqual(['ls', '-l']);
  });

  it('refuses an image with nothing to run and no arguments', () => {
    const r = containerCommand({ Env: ['A=1'] });
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/no command specified/);
    expect(ok(containerCommand({}, { args: ['/bin/true'] })).argv).toEqual(['/bin/true']);
  });

  it('sets --env by name over the image Env; a bare name takes the caller value or unsets', () => {
    const c = ok(containerCommand(image, { env: ['MODE=dev', 'NEW=1', 'HOME', 'PATH'], callerEnv: { HOME: '/home/u' } }));
    // PATH was unset by the bare name (no caller value), so the default comes back.
    expect(c.env).toEqual(['MODE=dev', 'NEW=1', 'HOME=/home/u', `PATH=${DEFAULT_PATH}`]);
  });

  it('defaults PATH and the working directory', () => {
    const c = ok(containerCommand({ Cmd: ['x'] }));
    expect(c.env).toEqual([`PATH=${DEFAULT_PATH}`]);
    expect(c.cwd).toBe('/');
    expect(ok(containerCommand({ Cmd: ['x'], WorkingDir: 'rel/dir' })).cwd).toBe('/rel/dir');
  });
});
