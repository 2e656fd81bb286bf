/**
 * The BFF route, mocked at the request level (MSW) so that the widget's real upload code runs
 * in the stories: each story picks a delay and an outcome. Stored files are served from
 * e2e/fixtures at /samples/, so previews show real files.
 */
import { HttpResponse, delay, http } from 'msw';
import { ERROR_STATUS, type ErrorCode } from '../src/shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from '../src/shared/messages.js';
import { findFileType } from '../src/shared/file-types.js';

export interface BffScenario {
  /** How long the "server" takes to answer, in ms. Default: 300. `Infinity`: never. */
  delayMs?: number;
  /** The answer: success, an error code, or a lost connection. Default: success. */
  outcome?: 'ok' | 'network' | ErrorCode;
  /** Outcome of the first attempt only; later ones succeed (for retry stories). */
  onlyFirst?: boolean;
  /** Seconds in `Retry-After`, for `rate-limited`. Default: 5. */
  retryAfter?: number;
}

const SAMPLE_BY_KIND: Record<string, string> = { image: 'sample.png', video: 'sample.mp4', audio: 'sample.mp3', pdf: 'sample.pdf' };

/** The URL a stored file is served at: the real sample of its type. */
export function sampleUrl(name: string): string {
  const type = findFileType(name);
  const sample = type ? (SAMPLE_BY_KIND[type.kind] ?? `sample${type.extensions[0]}`) : 'sample.txt';
  return `${window.location.origin}/samples/${sample}`;
}

export function bffHandlers(scenario: BffScenario = {}) {
  let attempts = 0;
  return [
    http.post('*/api/attachments', async ({ request }) => {
      attempts += 1;
      const form = await request.formData();
      const file = form.get('file') as File;
      const wait = scenario.delayMs ?? 300;
      await (Number.isFinite(wait) ? delay(wait) : delay('infinite'));
      const outcome = scenario.onlyFirst && attempts > 1 ? 'ok' : (scenario.outcome ?? 'ok');
      if (outcome === 'network') return HttpResponse.error();
      if (outcome !== 'ok') {
        const retryAfter = outcome === 'rate-limited' ? (scenario.retryAfter ?? 5) : undefined;
        const message = formatMessage(DEFAULT_ERROR_MESSAGES[outcome], { seconds: retryAfter, maxSize: '5 MB', types: '' });
        return HttpResponse.json(
          { error: { code: outcome, message, ...(retryAfter ? { retryAfter } : {}) } },
          { status: ERROR_STATUS[outcome] || 500, headers: retryAfter ? { 'Retry-After': String(retryAfter) } : {} },
        );
      }
      const type = findFileType(file.name);
      return HttpResponse.json({
        files: [{ name: file.name, url: sampleUrl(file.name), mimeType: type?.mimeTypes[0] ?? 'application/octet-stream', size: file.size, kind: type?.kind ?? 'file' }],
      });
    }),
  ];
}
