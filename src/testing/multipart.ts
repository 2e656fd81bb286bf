/** Helpers for tests that post forms by hand, as an attacker or a plain HTTP client would. */

export interface FilePartSpec {
  field?: string;
  name: string;
  bytes: Uint8Array | string;
  type?: string;
}

/** A multipart form with fields and files in exactly the given order. */
export function formOf(entries: ([string, string] | FilePartSpec)[]): FormData {
  const form = new FormData();
  for (const entry of entries) {
    if (Array.isArray(entry)) form.append(entry[0], entry[1]);
    else {
      const bytes = typeof entry.bytes === 'string' ? new TextEncoder().encode(entry.bytes) : entry.bytes;
      form.append(entry.field ?? 'file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: entry.type ?? '' }), entry.name);
    }
  }
  return form;
}
