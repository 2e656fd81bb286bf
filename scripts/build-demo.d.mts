/** A part of what `npm start` serves that must be built, with the fingerprint of its inputs now. */
export interface StalePart {
  name: 'page' | 'element' | 'server';
  label: string;
  fingerprint: string;
}
export declare function staleParts(root?: string): StalePart[];
export declare function buildParts(stale: StalePart[], root?: string, build?: (name: StalePart['name']) => Promise<void>): Promise<void>;
