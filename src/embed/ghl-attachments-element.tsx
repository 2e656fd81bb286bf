import { createRoot, type Root } from 'react-dom/client';
// HighLevel's SSO mode (`highlevel-sso`) lives apart: highlevel-session.ts.
import { HighLevelSsoController } from './highlevel-session.js';
import { AttachmentUploader } from '../react/attachment-uploader.js';
import { FRENCH_MESSAGES } from '../react/locales/fr.js';
import { DEFAULT_MESSAGES, type UploaderMessages } from '../react/messages.js';
import styles from '../react/styles.css?inline';
import type { UploadItem } from '../react/upload-store.js';
import { DEFAULT_FILE_TYPES, type FileTypeSpec } from '../shared/file-types.js';

/** Locales the `locale` attribute can pick. */
export const LOCALES: Record<string, UploaderMessages> = { en: DEFAULT_MESSAGES, fr: FRENCH_MESSAGES };

/** What `ghl-change` reports of each file. */
export interface ElementFileDetail {
  name: string;
  size: number;
  status: UploadItem['status'];
  url?: string;
  errorCode?: string;
  /** The photo's size before it was shrunk to fit, when it was. */
  shrunkFrom?: number;
}

/** The message an embedded frame posts to its parent, and the DOM events' names. */
export interface GhlFrameMessage {
  source: 'ghl-attachments';
  type: 'ghl-upload' | 'ghl-error' | 'ghl-change';
  detail: unknown;
}

// On a server there is no HTMLElement: the module must still import (SSR, tests, bundlers).
const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as typeof HTMLElement) : HTMLElement;

/**
 * `<ghl-attachments>`: the widget for pages that are not React. Attributes: `endpoint`,
 * `conversation-id`, `accept` (type names or extensions: `PDF, PNG` or `.pdf .png`), `max-size`
 * (bytes), `locale` (`en`, `fr`), `theme` (`light`, `dark`, `auto`), `shrink-images` (`false`
 * turns shrinking of photos over the limit off), `max-image-dimension` (pixels),
 * `with-credentials` (present: cookies are sent to a BFF on another origin, which must allow
 * credentials; absent by default), and `parent-origin`: inside an iframe, the one origin that
 * uploads are posted to with `postMessage`. Events (bubbling, out of the shadow root):
 * `ghl-upload` `{ files }`, `ghl-error` `{ code, message, fileName }`, `ghl-change` `{ files }`.
 * Styles live in its shadow root: nothing leaks in or out.
 */
export class GhlAttachmentsElement extends Base {
  static readonly observedAttributes = [
    'endpoint',
    'conversation-id',
    'accept',
    'max-size',
    'locale',
    'theme',
    'shrink-images',
    'max-image-dimension',
    'with-credentials',
    'parent-origin',
    'highlevel-sso',
  ];
  #root: Root | undefined;
  #mount: HTMLElement | undefined;
  /** `highlevel-sso`: signs in through HighLevel and hands the widget its session header. */
  #sso = new HighLevelSsoController(this, () => this.#render());

  connectedCallback(): void {
    if (!this.#mount) {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = `:host { display: block; } ${styles}`;
      this.#mount = document.createElement('div');
      shadow.append(style, this.#mount);
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

  #render(): void {
    const maxSize = Number(this.getAttribute('max-size'));
    const maxDimension = Number(this.getAttribute('max-image-dimension'));
    const theme = this.getAttribute('theme');
    this.#root?.render(
      <AttachmentUploader
        conversationId={this.getAttribute('conversation-id') ?? ''}
        endpoint={this.getAttribute('endpoint') ?? undefined}
        withCredentials={this.hasAttribute('with-credentials')}
        headers={this.#sso.headers}
        allowedTypes={typesFrom(this.getAttribute('accept'))}
        maxFileSize={Number.isFinite(maxSize) && maxSize > 0 ? maxSize : undefined}
        shrinkImages={this.getAttribute('shrink-images') !== 'false'}
        maxImageDimension={Number.isFinite(maxDimension) && maxDimension > 0 ? maxDimension : undefined}
        messages={LOCALES[this.getAttribute('locale') ?? 'en'] ?? DEFAULT_MESSAGES}
        theme={theme === 'dark' || theme === 'auto' ? theme : 'light'}
        onUploaded={(files) => this.#emit('ghl-upload', { files })}
        onError={(error, file) => this.#emit('ghl-error', { code: error.code, message: error.message, fileName: file.name })}
        onItemsChange={(items) => this.#emit('ghl-change', { files: items.map(detailOf) })}
      />,
    );
  }

  #emit(type: GhlFrameMessage['type'], detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    const parentOrigin = this.getAttribute('parent-origin');
    // Only to the one configured origin: the browser drops the message for any other parent.
    if (parentOrigin && window.parent !== window) {
      const message: GhlFrameMessage = { source: 'ghl-attachments', type, detail };
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

/** The allowed types an `accept` attribute names, or all of them when it names none. */
export function typesFrom(accept: string | null): readonly FileTypeSpec[] | undefined {
  const wanted = (accept ?? '')
    .split(/[\s,]+/)
    .map((token) => token.trim().toLowerCase().replace(/^\./, ''))
    .filter(Boolean);
  if (wanted.length === 0) return undefined;
  const types = DEFAULT_FILE_TYPES.filter(
    (type) => wanted.includes(type.id.toLowerCase()) || type.extensions.some((ext) => wanted.includes(ext.slice(1))),
  );
  return types.length > 0 ? types : undefined;
}

function detailOf(item: UploadItem): ElementFileDetail {
  return {
    name: item.name,
    size: item.size,
    status: item.status,
    ...(item.result ? { url: item.result.url } : {}),
    ...(item.error ? { errorCode: item.error.code } : {}),
    ...(item.shrunkFrom ? { shrunkFrom: item.shrunkFrom } : {}),
  };
}
