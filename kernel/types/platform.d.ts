// The platform the kernel core may use: what every host (Node worker_threads,
// browser Web Workers) provides. The core's tsconfig has neither DOM nor Node
// types, so anything host-specific fails to compile outside kernel/host/.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
/** A WebCrypto key: opaque to the core (image/keys.ts makes them). */
interface CryptoKey {
  readonly type: string;
  readonly algorithm: { name: string };
}
/** The ECDSA parts of WebCrypto that image/keys.ts and image/ecdsa.ts use. */
type EcKeyImport = { name: 'ECDSA'; namedCurve: string };
type EcdsaParams = { name: 'ECDSA'; hash: string };
declare const crypto: {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  readonly subtle: {
    digest(algorithm: string, data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer>;
    importKey(format: 'spki' | 'pkcs8', keyData: ArrayBufferView | ArrayBuffer, algorithm: EcKeyImport, extractable: boolean, usages: Array<'sign' | 'verify'>): Promise<CryptoKey>;
    sign(algorithm: EcdsaParams, key: CryptoKey, data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer>;
    verify(algorithm: EcdsaParams, key: CryptoKey, signature: ArrayBufferView | ArrayBuffer, data: ArrayBufferView | ArrayBuffer): Promise<boolean>;
  };
};
declare const performance: { now(): number; readonly timeOrigin: number };
declare const console: {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
};
declare function setTimeout(cb: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(cb: () => void): void;

declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly pathname: string;
  readonly search: string;
  readonly searchParams: { append(name: string, value: string): void; get(name: string): string | null };
  toString(): string;
}
declare class AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}
