// The passphrase of a cosign encrypted key, as cosign gets it: the
// environment's COSIGN_PASSWORD when it is set (the empty string included),
// else asked on the terminal (/dev/tty, not stdin: stdin may be a pipe)
// without echo. With neither, an error says what to do.
import fs from 'node:fs';
import tty from 'node:tty';

const PROMPT = 'Enter password for private key: ';

export async function cosignPassphrase(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.COSIGN_PASSWORD !== undefined) return env.COSIGN_PASSWORD;
  let fd: number;
  try {
    fd = fs.openSync('/dev/tty', 'r+');
  } catch {
    throw new Error('the key is encrypted: set COSIGN_PASSWORD, or run on a terminal to be asked for its passphrase');
  }
  const input = new tty.ReadStream(fd);
  fs.writeSync(fd, PROMPT);
  input.setRawMode(true);
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      input.on('data', (chunk: Buffer) => {
        for (const c of chunk.toString('utf8')) {
          if (c === '\r' || c === '\n') return resolve(typed);
          if (c === '\x03' || c === '\x04') return reject(new Error('no passphrase given'));
          if (c === '\x7f' || c === '\b') typed = typed.slice(0, -1);
          else typed += c;
        }
      });
    });
  } finally {
    input.setRawMode(false);
    fs.writeSync(fd, '\n');
    input.destroy();
  }
}
