import { randomUUID } from 'node:crypto';

/**
 * Writes HighLevel's multipart body by hand, part by part, so that file bytes can be passed on
 * as they arrive. (HighLevel's own SDK sends JSON and silently drops the file.)
 */
export class HighLevelForm {
  readonly boundary = `----ghl-attachments-${randomUUID()}`;
  private readonly encoder = new TextEncoder();

  get contentType(): string {
    return `multipart/form-data; boundary=${this.boundary}`;
  }

  field(name: string, value: string): Uint8Array {
    return this.encoder.encode(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`,
    );
  }

  fileHeader(fileName: string, mimeType: string): Uint8Array {
    return this.encoder.encode(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="fileAttachment"; filename="${escapeName(fileName)}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    );
  }

  fileEnd(): Uint8Array {
    return this.encoder.encode('\r\n');
  }

  end(): Uint8Array {
    return this.encoder.encode(`--${this.boundary}--\r\n`);
  }
}

/** The HTML standard's escaping of names in multipart headers. */
function escapeName(name: string): string {
  // Stryker disable next-line StringLiteral: isSafeFileName refuses control characters, upstreamSafe quotes
  return name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
