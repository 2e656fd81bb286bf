import { createRoot, type Root } from 'react-dom/client';
// HighLevel's SSO mode (`highlevel-sso`) lives apart: highlevel-session.ts.
import { HighLevelSsoController } from './highlevel-session.js';
import { adoptStyles } from '../react/adopt-styles.js';
import type { PreviewSource } from '../react/attachment-preview.js';
import { AttachmentUploader } from '../react/attachment-uploader.js';
import { AttachmentComposer } from '../react/composer.js';
import { MESSAGE_TYPES, type MessageType, type SendMessageResponseBody } from '../shared/message-wire.js';
import { GERMAN_MESSAGES } from '../react/locales/de.js';
import { FRENCH_MESSAGES } from '../react/locales/fr.js';
import { DEFAULT_MESSAGES, errorText, type UploaderMessages } from '../react/messages.js';
import styles from '../react/styles.css?inline';
import type { RejectedFile, UploadItem } from '../client/upload-item.js';
import { narrowRules } from '../client/narrow-rules.js';
import { DEFAULT_ENDPOINT } from '../client/upload-file.js';
import { cachedPolicy } from '../client/upload-policy.js';
import { defaultQueryClient } from '../client/query-runtime.js';
import { DEFAULT_MAX_FILES, optionFromText, type NUMBER_OPTION_RANGES } from '../client/uploader.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, describeFileTypes, resolveFileTypes, type FileTypeId } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, formatBytes } from '../shared/limits.js';
import type { UploadedFile } from '../shared/wire.js';

/** Locales the `locale` attribute can pick. */
export const LOCALES: Record<string, UploaderMessages> = { en: DEFAULT_MESSAGES, fr: FRENCH_MESSAGES, de: GERMAN_MESSAGES };

/** What `ghl-items-change` reports of each row. */
export interface ElementFileDetail {
  name: string;
  size: number;
  status: UploadItem['status'];
  url?: string;
  errorCode?: ErrorCode;
  /** The photo's size before it was shrunk to fit, when it was. */
  shrunkFrom?: number;
}

/** What `ghl-reject` reports of each refused file. */
export interface ElementRejectionDetail {
  name: string;
  size: number;
  code: ErrorCode;
  /** Why, in the element's locale. */
  message: string;
}

/** The details of the element's events, by name; each matches the prop of the same name. */
export interface GhlAttachmentsEventDetails {
  /** `onUploadSuccess`: one file HighLevel stored. */
  'ghl-upload-success': { file: UploadedFile };
  /** `onUploadError`: one upload failed; `message` is in the element's locale. */
  'ghl-upload-error': { code: ErrorCode; message: string; fileName: string };
  /** `onReject`: files refused before upload. */
  'ghl-reject': { rejections: ElementRejectionDetail[] };
  /** `onChange`: every uploaded file, when that list changes (`[]` after a reset). */
  'ghl-change': { files: UploadedFile[] };
  /** `onItemsChange`: every row, whenever one changes. */
  'ghl-items-change': { items: ElementFileDetail[] };
  /** `mode="composer"`, `onSent`: the message went to the conversation. */
  'ghl-message-sent': { answer: SendMessageResponseBody };
  /** `mode="composer"`, `onSendError`: a send failed for good; `message` is in the element's locale. */
  'ghl-send-error': { code: ErrorCode; message: string };
}

/** The element's events as `CustomEvent`s, for `addEventListener` typing. */
export type GhlAttachmentsEventMap = { [K in keyof GhlAttachmentsEventDetails]: CustomEvent<GhlAttachmentsEventDetails[K]> };

/** The message an embedded frame posts to its parent for each event. */
export interface GhlFrameMessage<K extends keyof GhlAttachmentsEventDetails = keyof GhlAttachmentsEventDetails> {
  source: 'ghl-attachments';
  type: K;
  detail: GhlAttachmentsEventDetails[K];
}

/** The element's attributes, each the kebab-case name of a prop. */
export const ELEMENT_ATTRIBUTES = [
  'endpoint',
  'conversation-id',
  'allowed-types',
  'max-file-size',
  'max-files',
  'concurrency',
  'shrink-images',
  'max-image-dimension',
  'with-credentials',
  'preview-from',
  'disabled',
  'locale',
  'theme',
  'parent-origin',
  'mode',
  'message-types',
] as const;

// On a server there is no HTMLElement: the module must still import (SSR, tests, bundlers).
const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as typeof HTMLElement) : HTMLElement;

/**
 * `<ghl-attachments>`: the widget for pages that are not React. Its attributes are the props'
 * names in kebab-case: `endpoint`, `conversation-id`, `allowed-types` (ids or extensions:
 * `PDF, PNG` or `.pdf .png`), `max-file-size` (bytes), `max-files`, `concurrency`,
 * `shrink-images` (`false` turns it off), `max-image-dimension` (pixels), `with-credentials`
 * (present: cookies go to a BFF on another origin), `preview-from` (`server`, `highlevel`),
 * `disabled`, `locale` (`en`, `fr`, `de`), `theme` (`light`, `dark`, `auto`), and `parent-origin`:
 * inside an iframe, the one origin events are posted to with `postMessage`; `mode="composer"`:
 * the ready-made composer (a message box and Send around the uploader), with `message-types`
 * (`SMS Email`…) the channels to choose among. Events (bubbling,
 * out of the shadow root), each named after its prop: `ghl-upload-success`, `ghl-upload-error`,
 * `ghl-reject`, `ghl-change`, `ghl-items-change` (see {@link GhlAttachmentsEventDetails}).
 * Styles live in its shadow root: nothing leaks in or out.
 */
export class GhlAttachmentsElement extends Base {
  static readonly observedAttributes = [...ELEMENT_ATTRIBUTES, 'highlevel-sso'];
  #root: Root | undefined;
  #mount: HTMLElement | undefined;
  /** `highlevel-sso`: signs in through HighLevel and hands the widget its session header. */
  #sso = new HighLevelSsoController(this, () => this.#render());

  connectedCallback(): void {
    if (!this.#mount) {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      adoptStyles(shadow, `:host { display: block; } ${styles}`);
      this.#mount = document.createElement('div');
      shadow.append(this.#mount);
      this.#root = createRoot(this.#mount);
    }
    this.#sso.update();
    this.#render();
  }

  attributeChangedCallback(): void {
    if (this.#root) this.#sso.update();
    if (this.#root) this.#render();
  }

  disconnectedCallback(): void {
    // A move within the page disconnects and reconnects at once: only unmount for good.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#sso.stop();
      this.#root?.unmount();
      this.#mount?.remove();
      this.#root = undefined;
      this.#mount = undefined;
    });
  }

  /** A number attribute, or `undefined` (the default) when it is not a whole number in the option's range. */
  #number(name: (typeof ELEMENT_ATTRIBUTES)[number], option: keyof typeof NUMBER_OPTION_RANGES): number | undefined {
    return optionFromText(option, this.getAttribute(name));
  }

  #render(): void {
    const theme = this.getAttribute('theme');
    const messages = LOCALES[this.getAttribute('locale') ?? 'en'] ?? DEFAULT_MESSAGES;
    const allowedTypes = typesFrom(this.getAttribute('allowed-types'));
    const maxFileSize = this.#number('max-file-size', 'maxFileSize');
    const maxFiles = this.#number('max-files', 'maxFiles');
    const endpoint = this.getAttribute('endpoint') ?? undefined;
    // The words of an error in the element's locale, with the limits in force filled in: its
    // own, narrowed by the BFF's policy once the widget (in the page's shared client) has it.
    const say = (code: ErrorCode, seconds?: number) => {
      const policy = cachedPolicy(defaultQueryClient(), endpoint ?? DEFAULT_ENDPOINT);
      const own = { allowedTypes: allowedTypes && resolveFileTypes(allowedTypes), maxFileSize };
      const rules = policy
        ? narrowRules(own, policy, [...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES])
        : { allowedTypes: own.allowedTypes ?? DEFAULT_FILE_TYPES, maxFileSize: maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
      return errorText(messages, code, {
        types: describeFileTypes(rules.allowedTypes),
        maxSize: formatBytes(rules.maxFileSize, messages.locale),
        maxFiles: maxFiles ?? DEFAULT_MAX_FILES,
        seconds,
      });
    };
    const props = {
        conversationId: this.getAttribute('conversation-id') ?? '',
        endpoint,
        withCredentials: this.hasAttribute('with-credentials'),
        headers: this.#sso.headers,
        allowedTypes,
        maxFileSize,
        maxFiles,
        concurrency: this.#number('concurrency', 'concurrency'),
        shrinkImages: this.getAttribute('shrink-images') !== 'false',
        maxImageDimension: this.#number('max-image-dimension', 'maxImageDimension'),
        previewFrom: (this.getAttribute('preview-from') === 'highlevel' ? 'highlevel' : 'server') satisfies PreviewSource,
        disabled: this.hasAttribute('disabled'),
        messages,
        theme: theme === 'dark' || theme === 'auto' ? theme : 'light',
        onUploadSuccess: (file: UploadedFile) => this.#emit('ghl-upload-success', { file }),
        onUploadError: (error: { code: ErrorCode; retryAfter?: number }, item: { name: string }) =>
          this.#emit('ghl-upload-error', { code: error.code, message: say(error.code, error.retryAfter), fileName: item.name }),
        onReject: (rejections: readonly RejectedFile[]) =>
          this.#emit('ghl-reject', { rejections: rejections.map((rejection) => rejectionOf(rejection, say)) }),
        onItemsChange: (items: readonly UploadItem[]) => this.#emit('ghl-items-change', { items: items.map(detailOf) }),
    } as const;
    if (this.getAttribute('mode') === 'composer') {
      this.#root?.render(
        <AttachmentComposer
          {...props}
          messageTypes={messageTypesFrom(this.getAttribute('message-types'))}
          onSent={(answer) => this.#emit('ghl-message-sent', { answer })}
          onSendError={(error) => this.#emit('ghl-send-error', { code: error.code, message: say(error.code, error.retryAfter) })}
        />,
      );
      return;
    }
    this.#root?.render(<AttachmentUploader {...props} onChange={(files) => this.#emit('ghl-change', { files })} />);
  }

  #emit<K extends keyof GhlAttachmentsEventDetails>(type: K, detail: GhlAttachmentsEventDetails[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    const parentOrigin = this.getAttribute('parent-origin');
    // Only to the one configured origin: the browser drops the message for any other parent.
    if (parentOrigin && window.parent !== window) {
      const message: GhlFrameMessage<K> = { source: 'ghl-attachments', type, detail };
      window.parent.postMessage(message, parentOrigin);
    }
  }
}

/** Registers the element (once) under `tagName`. Default: `ghl-attachments`. */
export function defineGhlAttachments(tagName = 'ghl-attachments'): void {
  if (typeof customElements !== 'undefined' && !customElements.get(tagName)) {
    customElements.define(tagName, class extends GhlAttachmentsElement {});
  }
}

/**
 * The type ids an `allowed-types` attribute names (ids or extensions, any case, commas or
 * spaces; the extra types too), or `undefined` (the default 13) when it names none it knows.
 */
export function typesFrom(attribute: string | null): FileTypeId[] | undefined {
  const wanted = (attribute ?? '')
    .split(/[\s,]+/)
    .map((token) => token.trim().toLowerCase().replace(/^\./, ''))
    .filter(Boolean);
  if (wanted.length === 0) return undefined;
  const ids = [...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES]
    .filter((type) => wanted.includes(type.id.toLowerCase()) || type.extensions.some((ext) => wanted.includes(ext.slice(1))))
    .map((type) => type.id as FileTypeId);
  return ids.length > 0 ? ids : undefined;
}

/** The message types a `message-types` attribute names (`SMS Email`, any case), or `undefined`. */
function messageTypesFrom(attribute: string | null): MessageType[] | undefined {
  const wanted = (attribute ?? '').split(/[\s,]+/).map((token) => token.trim().toLowerCase());
  const types = MESSAGE_TYPES.filter((type) => wanted.includes(type.toLowerCase()));
  return types.length > 0 ? types : undefined;
}

function detailOf(item: UploadItem): ElementFileDetail {
  return {
    name: item.name,
    size: item.size,
    status: item.status,
    ...(item.status === 'done' ? { url: item.result.url } : {}),
    ...(item.status === 'error' ? { errorCode: item.error.code } : {}),
    ...(item.shrunkFrom ? { shrunkFrom: item.shrunkFrom } : {}),
  };
}

function rejectionOf(rejection: RejectedFile, say: (code: ErrorCode) => string): ElementRejectionDetail {
  return { name: rejection.name, size: rejection.size, code: rejection.code, message: say(rejection.code) };
}

declare global {
  interface HTMLElementTagNameMap {
    'ghl-attachments': GhlAttachmentsElement;
  }
  // The events bubble out of the element: listeners on it, on the document or on window see them.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends GhlAttachmentsEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends GhlAttachmentsEventMap {}
}
