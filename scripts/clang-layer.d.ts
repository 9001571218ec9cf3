export const SOURCE_ANNOTATION: string;
export function writeClangLayer(file: string): { mediaType: string; digest: string; size: number; annotations: Record<string, string> };
export function ensureClangLayer(layout?: string): void;
export function composeClangLayer(layout: string): { mediaType: string; digest: string; size: number; annotations: Record<string, string> };
