// The CLI's way out on an error: the message on stderr, then the exit status
// (2 for a usage error unless told otherwise), as the commands it mimics do.
import fs from 'node:fs';

export function fail(msg: string, status = 2): never {
  fs.writeSync(2, msg.endsWith('\n') ? msg : msg + '\n');
  process.exit(status);
}
