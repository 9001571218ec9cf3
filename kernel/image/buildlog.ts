// A build's progress, as BuildKit's plain output shows it: each step a
// numbered vertex — `#3 [2/4] RUN …`, its lines (`#3 0.215 hello`: a RUN's
// output with the seconds since the step began), then `#3 DONE 0.4s`,
// `#3 CACHED` or `#3 ERROR: …` and a blank line. The CLI writes it to stderr,
// the shell's /bin/image to the fd it names (its stderr).
// A RUN's processes write into `Vertex.output()`, a host stream whose
// backpressure is the destination's: a writer waits while it is full.
import type { HostStream } from '../hostapi.js';

/** Where the progress goes. */
export interface BuildOutput {
  write(text: string): void;
  /** Whether it takes more now (absent: always); a RUN's writers wait while it does not. */
  writable?(): boolean;
  /** Call `cb` once it takes writes again. */
  onWritable?(cb: () => void): void;
}

export class BuildProgress {
  private next = 1;

  constructor(private readonly out: BuildOutput, private readonly now: () => number = () => performance.now()) {}

  /** A new vertex, its title printed. */
  vertex(title: string): Vertex {
    return new Vertex(this.next++, title, this.out, this.now);
  }

  /** A line outside any vertex (a warning). */
  say(line: string): void {
    this.out.write(`${line}\n`);
  }
}

export class Vertex {
  private readonly started: number;
  private partial = '';
  /** A RUN's output may end a write inside a UTF-8 sequence: one decoder per vertex keeps the rest. */
  private readonly dec = new TextDecoder();

  constructor(readonly n: number, title: string, private readonly out: BuildOutput, private readonly now: () => number) {
    this.started = now();
    out.write(`#${n} ${title}\n`);
  }

  /** A line of the vertex. */
  line(text: string): void {
    this.out.write(`#${this.n} ${text}\n`);
  }

  cached(): void {
    this.flush();
    this.out.write(`#${this.n} CACHED\n\n`);
  }

  done(): void {
    this.flush();
    this.out.write(`#${this.n} DONE ${this.seconds().toFixed(1)}s\n\n`);
  }

  error(message: string): void {
    this.flush();
    this.out.write(`#${this.n} ERROR: ${message}\n\n`);
  }

  /** A stream for a RUN's stdout and stderr: each line prefixed with the vertex and the time. */
  output(): HostStream {
    const out = this.out;
    return {
      isatty: false,
      write: (data) => {
        const text = this.partial + this.dec.decode(data, { stream: true });
        const lines = text.split('\n');
        this.partial = lines.pop() as string;
        if (lines.length > 0) out.write(lines.map((l) => `#${this.n} ${this.seconds().toFixed(3)} ${l}\n`).join(''));
        return true;
      },
      writable: out.writable ? () => (out.writable as () => boolean)() : undefined,
      onWritable: out.onWritable ? (cb) => (out.onWritable as (cb: () => void) => void)(cb) : undefined,
    };
  }

  /** A last line without its newline. */
  private flush(): void {
    if (this.partial === '') return;
    this.out.write(`#${this.n} ${this.seconds().toFixed(3)} ${this.partial}\n`);
    this.partial = '';
  }

  private seconds(): number {
    return (this.now() - this.started) / 1000;
  }
}
