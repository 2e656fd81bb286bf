import type { QueryClient } from '@tanstack/query-core';
import { checkFile } from '../shared/check-file.js';
import { MAX_TIMER_MS, wholeNumberOption } from '../shared/check-option.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, resolveFileTypes } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from '../shared/limits.js';
import type { UploadPolicy, UploadedFile } from '../shared/wire.js';
import { canShrink } from './can-shrink.js';
import { summarizeItems } from './summarize-items.js';
import { DEFAULT_ENDPOINT } from './upload-file.js';
import type * as PolicyCode from './load-policy.js';
import type { UploadItem } from './upload-item.js';
import { POLICY_QUERY_KEY, policyUrl } from './upload-policy.js';
import { lazyImport } from './lazy-import.js';
import { loadQueryRuntime } from './load-query-runtime.js';
import { UploadStore, type UploadStoreConfig } from './upload-store.js';
import type { UploaderOptions, UploaderState } from './uploader-options.js';

const loadPolicyCode = lazyImport(() => import('./load-policy.js'), 'loadPolicy');

/** Rows the list takes by default (`maxFiles`). */
export const DEFAULT_MAX_FILES = 10;

/** How long an upload's bytes may stand still before it is aborted as stalled, in ms (`stallTimeoutMs`). */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** The types this package knows, for a policy's types named by id. */
const KNOWN_TYPES = [...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES];

/** A policy asked for: of which endpoint, in which query client (none: the page's shared one). */
interface Asked {
  endpoint: string;
  client: QueryClient | undefined;
}

/** The id of a row showing a file of `value`. */
const valueId = (file: UploadedFile) => `v:${file.url}`;

/**
 * The uploader without a framework: files in (`addFiles`), checked against the rules (the
 * options narrowed by the BFF's policy), queued, uploaded as TanStack Query mutations, and
 * their rows out (`getState`, `subscribe`). Options can change at any time with `setOptions`,
 * which applies at once. React's `useAttachmentUploader` is a thin layer over it; a page in any
 * other framework (or none) uses it as it is.
 */
export class Uploader {
  private options: UploaderOptions;
  private policy: UploadPolicy | null | undefined;
  /** The policy's code, loaded with the first ask: the page paints without it. */
  private policyCode: typeof PolicyCode | undefined;
  /** The endpoint (and client) whose policy was asked for, so it is asked once. */
  private asked: Asked | undefined;
  /** The uploaded files as last reported (controlled: the host's `value`). */
  private reported: readonly UploadedFile[];
  private state: UploaderState;
  private lastItems: readonly UploadItem[] = [];
  /** The rows of `value`'s files, by URL, kept while the file is the same. */
  private valueRows = new Map<string, UploadItem>();
  /** What the rules were last made of. */
  // Stryker disable next-line ArrayDeclaration: the constructor's compute(undefined) writes it before anything compares it
  private rulesInput: readonly unknown[] = [];
  private readonly listeners = new Set<() => void>();
  private detach: (() => void) | undefined;
  private readonly store = new UploadStore(() => this.storeConfig());

  constructor(options: UploaderOptions) {
    this.options = checkOptions(options);
    this.reported = options.value ?? [];
    this.state = this.compute(undefined);
    this.store.subscribe(() => this.refresh());
  }

  /** Replaces the options; the next check, upload and callback use them. */
  setOptions(options: UploaderOptions): void {
    const { value } = this.options;
    this.options = checkOptions(options);
    // Controlled: the done rows are `value`'s files; ours that left it leave the list for good.
    if (options.value !== undefined && options.value !== value) {
      this.reported = options.value;
      this.store.keepDone(new Set(options.value.map((file) => file.url)));
    }
    if (this.listeners.size > 0) this.askPolicy();
    this.refresh();
    this.store.pump();
  }

  /** Calls `listener` on every change of {@link getState}; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.attach();
    this.askPolicy();
    this.reportItems();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.detach?.();
    };
  };

  /** The state now; the same object until something changes. */
  getState = (): UploaderState => this.state;

  /** Checks files from any source (drop, picker, paste): allowed ones are queued, the rest listed with their reason. */
  addFiles(files: readonly File[]): void {
    this.askPolicy();
    const { allowedTypes, maxFileSize } = this.state.rules;
    const shrinkImages = this.options.shrinkImages ?? true;
    const accepted: File[] = [];
    const refused: { file: File; code: ErrorCode }[] = [];
    for (const file of files) {
      const code = checkFile(file, { allowedTypes, maxFileSize });
      // A photo over the limit is taken when it can be shrunk to fit.
      if (code && !(code === 'file-too-large' && shrinkImages && canShrink(file))) refused.push({ file, code });
      else accepted.push(file);
    }
    const left = this.room();
    const overflow = accepted.slice(left).map((file) => ({ file, code: 'too-many-files' as const }));
    this.store.add(accepted.slice(0, left), [...refused, ...overflow]);
  }

  /** How many more files the list takes: failed and cancelled ones do not count. */
  room(): number {
    const taken = this.store.getSnapshot().items.filter((item) => item.status !== 'error' && item.status !== 'cancelled');
    return Math.max(0, this.state.rules.maxFiles - taken.length);
  }

  /**
   * Whether some of the files being dragged would be refused (a type not allowed, or too many).
   * Browsers show only MIME types during a drag: a file whose type they do not know is judged at the drop.
   */
  refusesDrag(dragged: readonly { kind: string; type: string }[]): boolean {
    const files = dragged.filter((item) => item.kind === 'file');
    const allowed = new Set(this.state.rules.allowedTypes.flatMap((type) => type.mimeTypes));
    return files.length > this.room() || files.some((item) => item.type !== '' && !allowed.has(item.type));
  }

  cancel(id: string): void {
    this.store.cancel(id);
  }

  retry(id: string): void {
    this.store.retry(id);
  }

  /** Takes a file off the list (cancelling its upload); a done one leaves `onChange`'s list too. */
  remove(id: string): void {
    const item = this.state.items.find((candidate) => candidate.id === id);
    this.store.remove(id);
    if (item?.status === 'done') this.report(this.reported.filter((file) => file.url !== item.result.url));
  }

  /** Takes one or more refused files off the list. */
  dismiss(...ids: string[]): void {
    this.store.dismiss(...ids);
  }

  /** Queues failed uploads again: all of them, or those that failed with `code`. */
  retryFailed(code?: ErrorCode): void {
    this.store.retryFailed(code);
  }

  /** Takes done and cancelled files off the list (uploaded files stay in `onChange`'s list). */
  clearFinished(): void {
    this.store.clearFinished();
  }

  /** Clears everything — uploads aborted, rows and refusals gone, `onChange([])` — e.g. once the message is sent. */
  reset(): void {
    this.store.reset();
    this.report([]);
  }

  /** Aborts every upload and waiting retry: the uploader is going away. */
  destroy(): void {
    this.store.abortAll();
  }

  private storeConfig(): UploadStoreConfig {
    const { options } = this;
    return {
      // Read as each upload starts and for each callback: the options of that moment.
      ...options,
      queryClient: options.queryClient,
      concurrency: options.concurrency ?? 3,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      onUploadSuccess: (file, item) => {
        options.onUploadSuccess?.(file, item);
        this.report([...this.reported, file]);
      },
      shrink: (options.shrinkImages ?? true) ? { maxBytes: this.state.rules.maxFileSize, maxDimension: options.maxImageDimension } : undefined,
    };
  }

  private report(files: UploadedFile[]): void {
    this.reported = files;
    this.options.onChange?.(files);
  }

  /** Asks the BFF's policy once per endpoint; until it answers, and if it never does, the options apply. */
  private askPolicy(): void {
    const endpoint = this.options.endpoint ?? DEFAULT_ENDPOINT;
    const client = this.options.queryClient;
    if (this.asked?.endpoint === endpoint && this.asked.client === client) return;
    const asked = { endpoint, client };
    this.asked = asked;
    this.policy = undefined;
    const withCredentials = this.options.withCredentials ?? false;
    Promise.all([loadPolicyCode(), loadQueryRuntime()])
      .then(([code, runtime]) => {
        this.policyCode = code;
        return code.loadPolicy(client ?? runtime.defaultQueryClient(), [...POLICY_QUERY_KEY, endpoint], policyUrl(endpoint), withCredentials);
      })
      .then(
        (policy) => this.settlePolicy(asked, policy),
        () => this.settlePolicy(asked, null),
      );
  }

  private settlePolicy(asked: Asked, policy: UploadPolicy | null): void {
    // An answer for an endpoint the options have since moved away from is not this one's.
    if (this.asked !== asked) return;
    this.policy = policy;
    this.refresh();
  }

  /** Uploads that failed for a lost connection go again when the browser is back online. */
  private attach(): void {
    const resume = () => this.store.retryFailed('network');
    // The browser's event, which fires even where TanStack Query never saw the connection go,
    // and TanStack Query's own signal, for hosts that tell it themselves (onlineManager.setEventListener).
    // Its onlineManager comes with the rest of query-core, after the first paint.
    let unsubscribe: (() => void) | undefined;
    let attached = true;
    void loadQueryRuntime().then(
      ({ onlineManager }) => {
        if (attached) unsubscribe = onlineManager.subscribe((online) => online && resume());
      },
      () => undefined,
    );
    if (typeof window !== 'undefined') window.addEventListener('online', resume);
    this.detach = () => {
      attached = false;
      unsubscribe?.();
      if (typeof window !== 'undefined') window.removeEventListener('online', resume);
      this.detach = undefined;
    };
  }

  private refresh(): void {
    const next = this.compute(this.state);
    if (next === this.state) return;
    this.state = next;
    this.reportItems();
    for (const listener of this.listeners) listener();
  }

  private reportItems(): void {
    const { items } = this.state;
    // Every change is news, an empty list included; an empty list that stays empty is not.
    if (items === this.lastItems || (items.length === 0 && this.lastItems.length === 0)) return;
    this.lastItems = items;
    this.options.onItemsChange?.(items);
  }

  /** Without a policy, the options and their defaults; with one, their intersection with it. */
  private narrow() {
    const { allowedTypes, maxFileSize } = this.options;
    const ownTypes = allowedTypes && resolveFileTypes(allowedTypes);
    return this.policy && this.policyCode
      ? this.policyCode.narrowRules({ allowedTypes: ownTypes, maxFileSize }, this.policy, KNOWN_TYPES)
      : { allowedTypes: ownTypes ?? DEFAULT_FILE_TYPES, maxFileSize: maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
  }

  /** The state for the store's rows, `value` and the policy: `previous` itself when nothing changed. */
  private compute(previous: UploaderState | undefined): UploaderState {
    const { items: stored, rejections } = this.store.getSnapshot();
    const { allowedTypes, maxFileSize, maxFiles = DEFAULT_MAX_FILES } = this.options;
    const items = this.itemsOf(stored, previous?.items);
    // Options are often written inline (`allowedTypes={['PDF']}`): equal options, the same rules.
    const input = [
      this.policy,
      maxFileSize,
      maxFiles,
      // Stryker disable next-line EqualityOperator: the flag tells an unset list from an empty one either way round
      allowedTypes === undefined,
      // Stryker disable next-line ArrayDeclaration: with the flag above, what stands for no list does not matter
      ...(allowedTypes ?? []),
    ];
    const rules = previous && sameList(this.rulesInput, input) ? previous.rules : { ...this.narrow(), maxFiles };
    this.rulesInput = input;
    const policy = this.policy;
    // The policy is in the rules' input: a new one makes new rules.
    if (previous && items === previous.items && rejections === previous.rejections && rules === previous.rules) return previous;
    const { isUploading, counts, progress } = previous && items === previous.items ? previous : summarizeItems(items);
    return { items, rejections, isUploading, counts, progress, rules, policy };
  }

  /**
   * The rows. Controlled: `value`'s files first (those not among ours), then ours still in
   * `value`; the same rows, and the same list, as long as they are equal (a `value` rebuilt on
   * every render must not make a new list each time).
   */
  private itemsOf(stored: readonly UploadItem[], previous: readonly UploadItem[] | undefined): readonly UploadItem[] {
    const { value } = this.options;
    if (!value) return stored;
    const ours = new Set(
      stored.flatMap((item) =>
        item.status === 'done'
          ? [item.result.url]
          : // Stryker disable next-line ArrayDeclaration: Stryker's placeholder is no file's URL
            [],
      ),
    );
    const rows = new Map<string, UploadItem>();
    const earlier = value
      .filter((file) => !ours.has(file.url))
      .map((file): UploadItem => {
        const row = this.valueRows.get(file.url);
        const kept: UploadItem =
          row?.status === 'done' && JSON.stringify(row.result) === JSON.stringify(file)
            ? row
            : { id: valueId(file), name: file.name, size: file.size, status: 'done', progress: 1, result: file };
        rows.set(file.url, kept);
        return kept;
      });
    this.valueRows = rows;
    // Ours stay as the store has them: one that left `value` has left the store (setOptions), and
    // one done since the last `value` is in the host's hands — its state update lands a render
    // later, and a row that vanished for that render would come back as a new one.
    const items = [...earlier, ...stored];
    return previous && items.length === previous.length && items.every((item, index) => item === previous[index]) ? previous : items;
  }
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((entry, index) => entry === b[index]);

/**
 * The range of each number option, ends included. `maxImageDimension` stops at the widest side
 * a browser's canvas (and a JPEG) holds; `stallTimeoutMs` at the longest timer a browser or Node
 * sets (0 turns the watch off). The element and the demo read it to leave out attributes outside it.
 */
export const NUMBER_OPTION_RANGES = {
  stallTimeoutMs: [0, MAX_TIMER_MS],
  concurrency: [1, 100],
  maxFiles: [1, 10_000],
  maxFileSize: [1, Number.MAX_SAFE_INTEGER],
  maxImageDimension: [1, 65_535],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * A number option written as text (an attribute, a query parameter), or `undefined` (the
 * option's default) when the text is missing, blank or not a whole number in the option's range.
 */
export function optionFromText(name: keyof typeof NUMBER_OPTION_RANGES, text: string | null): number | undefined {
  const [min, max] = NUMBER_OPTION_RANGES[name];
  const value = Number(text);
  return text !== null && text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/**
 * The options, refused when a number makes no sense: a timer Node or a browser cannot set, no
 * upload at a time, a list that takes no file. The same check (and words) as the server's options.
 */
function checkOptions(options: UploaderOptions): UploaderOptions {
  for (const [name, [min, max]] of Object.entries(NUMBER_OPTION_RANGES)) {
    wholeNumberOption('Uploader', name, options[name as keyof typeof NUMBER_OPTION_RANGES], min, min, max);
  }
  return options;
}
