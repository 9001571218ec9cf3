// random_get inside the process. crypto.getRandomValues costs microseconds per
// call whatever the size, so small requests are served from a block of 4 KiB
// drawn at once; each byte is handed out once and then wiped, and the block
// lives in this worker's JavaScript heap, never in guest memory, so a forked
// child (a fresh runtime) cannot replay its parent's bytes.
// Spec: WASI preview1 random_get; the same buffering arc4random(3) does.

const BLOCK = 4096;
/** getRandomValues fills at most 64 KiB per call. */
const MAX_FILL = 65536;

export class EntropyPool {
  private readonly block = new Uint8Array(BLOCK);
  private pos = BLOCK;

  /** Fill dst[at, at+len) with cryptographically random bytes. */
  fill(dst: Uint8Array, at: number, len: number): void {
    if (len > BLOCK / 4) {
      // Large requests: straight from the source, through a private buffer
      // (browsers refuse to fill shared memory).
      const tmp = new Uint8Array(Math.min(len, MAX_FILL));
      for (let off = 0; off < len; off += tmp.length) {
        const k = Math.min(tmp.length, len - off);
        crypto.getRandomValues(tmp.subarray(0, k));
        dst.set(tmp.subarray(0, k), at + off);
      }
      tmp.fill(0);
      return;
    }
    if (BLOCK - this.pos < len) {
      crypto.getRandomValues(this.block);
      this.pos = 0;
    }
    const piece = this.block.subarray(this.pos, this.pos + len);
    dst.set(piece, at);
    piece.fill(0);
    this.pos += len;
  }
}
