import { HIGHLEVEL_APP_ORIGINS, originMatches } from '../shared/highlevel-origins.js';
import { REQUESTED_WITH_HEADER, REQUESTED_WITH_VALUE } from '../shared/wire.js';

/** The user HighLevel signed in, as the BFF's `POST {endpoint}/session` answers it. */
export interface HighLevelSessionDetail {
  user: { userId: string; companyId: string; locationId: string; role: string; type: 'agency' | 'location' };
  expiresAt: number;
}

/** How long HighLevel has to answer `REQUEST_USER_DATA`, in ms. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

interface ExposedSession {
  exposeSessionDetails?: (appId: string) => Promise<string>;
}

/**
 * Asks HighLevel for the encrypted user context: custom JavaScript running inside HighLevel calls
 * `window.exposeSessionDetails(appId)`; a custom page (an iframe) posts `REQUEST_USER_DATA` to
 * its parent and takes the `REQUEST_USER_DATA_RESPONSE` that comes back from the parent, and only
 * from a parent on one of `origins` (patterns like `https://*.gohighlevel.com`). The payload
 * stays encrypted: only the BFF, which has the Shared Secret, reads it.
 */
export function requestHighLevelUserData(options: { origins?: readonly string[]; appId?: string; timeoutMs?: number } = {}): Promise<string> {
  const origins = options.origins && options.origins.length > 0 ? options.origins : HIGHLEVEL_APP_ORIGINS;
  const exposed = (window as unknown as ExposedSession).exposeSessionDetails;
  if (window.parent === window) {
    if (options.appId && typeof exposed === 'function') return exposed(options.appId);
    return Promise.reject(new Error('Not inside HighLevel: this page is not framed, and no exposeSessionDetails is available.'));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('HighLevel did not answer the sign-in request. Open the page from HighLevel.'));
    }, options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    function onMessage(event: MessageEvent) {
      if (event.source !== window.parent || !origins.some((pattern) => originMatches(event.origin, pattern))) return;
      const data = event.data as { message?: unknown; payload?: unknown } | null;
      if (data?.message !== 'REQUEST_USER_DATA_RESPONSE' || typeof data.payload !== 'string') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(data.payload);
    }
    window.addEventListener('message', onMessage);
    // HighLevel's documented request; it carries nothing secret, hence any target origin.
    window.parent.postMessage({ message: 'REQUEST_USER_DATA' }, '*');
  });
}

/**
 * The `highlevel-sso` mode of `<ghl-attachments>`: signs in through HighLevel's SSO, hands the
 * session to the widget as an `Authorization` header, and signs in again before the session
 * ends. The attribute's value lists the accepted parent origins (empty: HighLevel's own), and
 * may name the app (`app:APP_ID`) for `exposeSessionDetails` outside an iframe. Emits
 * `ghl-session` `{ user, expiresAt }` on each sign-in (and sets `data-highlevel-location` on the
 * element), `ghl-error` `{ code: 'unauthorized' }` when it fails.
 */
export class HighLevelSsoController {
  /** The header the widget sends while a session is held. */
  headers: Record<string, string> | undefined;
  #config = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  constructor(
    private readonly element: HTMLElement,
    private readonly changed: () => void,
  ) {}

  /** Follows the element's attributes; call on connect and on every attribute change. */
  update(): void {
    const value = this.element.getAttribute('highlevel-sso');
    const config = value === null ? '' : `on ${value} ${this.#endpoint()}`;
    if (config === this.#config) return;
    this.#config = config;
    this.stop();
    if (value !== null) void this.#signIn(this.#generation);
  }

  /** Stops renewing (the element left the page, or the mode was turned off). */
  stop(): void {
    this.#generation += 1;
    clearTimeout(this.#timer);
    delete this.element.dataset.highlevelLocation;
    if (this.headers) {
      this.headers = undefined;
      this.changed();
    }
  }

  #endpoint(): string {
    return this.element.getAttribute('endpoint') || '/api/attachments';
  }

  async #signIn(generation: number, attempt = 0): Promise<void> {
    const tokens = (this.element.getAttribute('highlevel-sso') ?? '').split(/[\s,]+/).filter(Boolean);
    const appId = tokens.find((token) => token.startsWith('app:'))?.slice(4);
    const origins = tokens.filter((token) => !token.startsWith('app:'));
    try {
      const encryptedData = await requestHighLevelUserData({ origins, ...(appId ? { appId } : {}) });
      const url = `${new URL(this.#endpoint(), document.baseURI).href.replace(/\/+$/, '')}/session`;
      const response = await fetch(url, {
        method: 'POST',
        credentials: this.element.hasAttribute('with-credentials') ? 'include' : 'same-origin',
        headers: { 'Content-Type': 'application/json', [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE },
        body: JSON.stringify({ encryptedData }),
      });
      if (!response.ok) throw new Error(`The server refused the HighLevel sign-in (${response.status}).`);
      const session = (await response.json()) as HighLevelSessionDetail & { token: string };
      if (generation !== this.#generation) return;
      this.headers = { Authorization: `Bearer ${session.token}` };
      // Visible state for the page's styles and tests: signed in, and where.
      this.element.dataset.highlevelLocation = session.user.locationId;
      this.changed();
      this.element.dispatchEvent(
        new CustomEvent('ghl-session', { detail: { user: session.user, expiresAt: session.expiresAt }, bubbles: true, composed: true }),
      );
      // Signed in again at four fifths of the session's life: it has no other renewal.
      const renewIn = Math.max(5_000, (session.expiresAt - Date.now()) * 0.8);
      this.#timer = setTimeout(() => void this.#signIn(generation), renewIn);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.element.dispatchEvent(
        new CustomEvent('ghl-error', { detail: { code: 'unauthorized', message: (error as Error).message }, bubbles: true, composed: true }),
      );
      // One more try a little later (HighLevel's page may still have been loading), then none.
      if (attempt === 0) this.#timer = setTimeout(() => void this.#signIn(generation, 1), 3_000);
    }
  }
}
