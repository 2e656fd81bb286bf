/** Cases and bytes in words a report can print and a person can send again. */
import type { FuzzCase } from './fuzz-case.js';

/**
 * Bytes as a JSON string of their latin1 reading (each character one byte), long runs of one
 * character shortened (`-{×70}`), cut at `max` characters.
 */
export function printable(bytes: Buffer, max = 1500): string {
  const text = JSON.stringify(bytes.toString('latin1'))
    // C1 controls and DEL too, so that the string survives a terminal and a copy.
    .replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/(.)\1{31,}/g, (run, char: string) => `${char}{×${run.length}}`);
  return text.length > max ? `${text.slice(0, max)}…(${text.length - max} more characters)` : text;
}

/** How to send a case again: each write as a JSON string, pauses in ms, then what the client did. */
export function describeCase(fuzzCase: FuzzCase, max = 1500): string {
  const writes = fuzzCase.writes.map((write) => (typeof write === 'number' ? `pause ${write} ms` : printable(write, max)));
  return `#${fuzzCase.id} ${fuzzCase.kind} (${fuzzCase.note})\n  writes (latin1): ${writes.join('\n    ')}\n  then: ${fuzzCase.then}`;
}
