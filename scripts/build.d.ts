export function build(): void;
export function stale(): boolean;
