// The worker global as bench/browser's workers use it, typed without the
// WebWorker lib (the root tsconfig, which checks bench/, has DOM only).
export interface WorkerScope {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void, opts?: { once?: boolean }): void;
}
export const scope = self as unknown as WorkerScope;
