/**
 * The BFF route, mocked at the request level (MSW) so that the widget's real upload code runs
 * in the stories: each story picks a delay and an outcome. Stored files are served from
 * e2e/fixtures at /samples/, so previews show real files: as HighLevel's `url`, and through the
 * route's `GET ?preview=` as each file's `previewUrl`, as the real BFF answers.
 */
import { HttpResponse, bypass, delay, http } from 'msw';
import { ERROR_STATUS, type ErrorCode } from '../src/shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from '../src/shared/messages.js';
import { DEFAULT_FILE_TYPES, findFileType } from '../src/shared/file-types.js';
import { DEFAULT_MAX_FILES_PER_REQUEST, DEFAULT_MAX_FILE_SIZE } from '../src/shared/limits.js';

export interface BffScenario {
  /** How long the "server" takes to answer, in ms. Default: 300. `Infinity`: never. */
  delayMs?: number;
  /** The answer: success, an error code, or a lost connection. Default: success. */
  outcome?: 'ok' | 'network' | ErrorCode;
  /** Outcome of the first attempt only; later ones succeed (for retry stories). */
  onlyFirst?: boolean;
  /** Seconds in `Retry-After`, for `rate-limited` and `server-busy`. Default: 5. */
  retryAfter?: number;
  /** `POST /api/attachments/messages`: its delay (ms, `Infinity`: never) and answer. Default: sent after 300 ms. */
  send?: { delayMs?: number; outcome?: 'ok' | ErrorCode };
}

const SAMPLE_BY_KIND: Record<string, string> = { image: 'sample.png', video: 'sample.mp4', audio: 'sample.mp3', pdf: 'sample.pdf' };

/** The real sample file that stands for a stored file of this name's type. */
function sampleOf(name: string): string {
  const type = findFileType(name);
  return type ? (SAMPLE_BY_KIND[type.kind] ?? `sample${type.extensions[0]}`) : 'sample.txt';
}

/** The URL a stored file is served at (HighLevel's, in the stories): the real sample of its type. */
export function sampleUrl(name: string): string {
  return `${window.location.origin}/samples/${sampleOf(name)}`;
}

/** The mocked BFF's preview link for a stored file (the real one is signed; this one names the sample). */
export function samplePreviewUrl(name: string): string {
  return `${window.location.origin}/api/attachments?preview=story.${encodeURIComponent(sampleOf(name))}`;
}

const RETRIED_AFTER_WAIT = new Set<string>(['rate-limited', 'server-busy']);

export function bffHandlers(scenario: BffScenario = {}) {
  let attempts = 0;
  return [
    // The send: HighLevel's answer for the message, or the error a story asks for.
    http.post('*/api/attachments/messages', async ({ request }) => {
      const body = (await request.json()) as { conversationId: string; attachments?: string[] };
      const wait = scenario.send?.delayMs ?? 300;
      await (Number.isFinite(wait) ? delay(wait) : delay('infinite'));
      const outcome = scenario.send?.outcome ?? 'ok';
      if (outcome !== 'ok') {
        return HttpResponse.json({ error: { code: outcome, message: DEFAULT_ERROR_MESSAGES[outcome] } }, { status: ERROR_STATUS[outcome] || 500 });
      }
      const urls = (body.attachments ?? []).map((handle) => sampleUrl(handle.replace(/^story-handle\./, '')));
      return HttpResponse.json({ conversationId: body.conversationId, messageId: 'story-message', status: 'delivered', type: 'SMS', attachments: urls });
    }),
    http.post('*/api/attachments', async ({ request }) => {
      attempts += 1;
      const form = await request.formData();
      const file = form.get('file') as File;
      const wait = scenario.delayMs ?? 300;
      await (Number.isFinite(wait) ? delay(wait) : delay('infinite'));
      const outcome = scenario.onlyFirst && attempts > 1 ? 'ok' : (scenario.outcome ?? 'ok');
      if (outcome === 'network') return HttpResponse.error();
      if (outcome !== 'ok') {
        const retryAfter = RETRIED_AFTER_WAIT.has(outcome) ? (scenario.retryAfter ?? 5) : undefined;
        const message = formatMessage(DEFAULT_ERROR_MESSAGES[outcome], { seconds: retryAfter, maxSize: '5 MB', types: '' });
        return HttpResponse.json(
          { error: { code: outcome, message, ...(retryAfter ? { retryAfter } : {}) } },
          { status: ERROR_STATUS[outcome] || 500, headers: retryAfter ? { 'Retry-After': String(retryAfter) } : {} },
        );
      }
      const type = findFileType(file.name);
      return HttpResponse.json({
        files: [
          {
            name: file.name,
            url: sampleUrl(file.name),
            previewUrl: samplePreviewUrl(file.name),
            handle: `story-handle.${file.name}`,
            mimeType: type?.mimeTypes[0] ?? 'application/octet-stream',
            size: file.size,
            kind: type?.kind ?? 'file',
          },
        ],
      });
    }),
    // `GET /config`: the route's policy, as the real BFF answers with its defaults.
    http.get('*/api/attachments/config', () =>
      HttpResponse.json({
        allowedTypes: DEFAULT_FILE_TYPES.map(({ id, extensions, mimeTypes }) => ({ id, extensions, mimeTypes })),
        maxFileSize: DEFAULT_MAX_FILE_SIZE,
        maxFilesPerRequest: DEFAULT_MAX_FILES_PER_REQUEST,
        sessionRequired: false,
      }),
    ),
    // `GET ?preview=`: the stored file, read back "with the server's token". Anything else is
    // refused as the real route refuses it.
    http.get('*/api/attachments', async ({ request }) => {
      const handle = new URL(request.url).searchParams.get('preview') ?? '';
      const sample = /^story\.(sample\.[a-z0-9]+)$/.exec(decodeURIComponent(handle))?.[1];
      if (!sample) {
        return HttpResponse.json({ error: { code: 'preview-link-invalid', message: DEFAULT_ERROR_MESSAGES['preview-link-invalid'] } }, { status: 403 });
      }
      const stored = await fetch(bypass(`${window.location.origin}/samples/${sample}`));
      return new HttpResponse(stored.body, {
        status: stored.status,
        headers: { 'Content-Type': stored.headers.get('content-type') ?? 'application/octet-stream', 'Content-Disposition': 'inline' },
      });
    }),
  ];
}
