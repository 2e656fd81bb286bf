// Nothing from shared/ here: this module is a chunk of its own, loaded on demand, and anything it
// imported that the widget also uses would be split into a third chunk loaded up front.
import { fitImage, searchEncoding, type FitRequest, type FitResult } from './fit-image.js';

/** Options of {@link shrinkImage}. */
export interface ShrinkImageOptions {
  /** The result must be at most this many bytes. */
  maxBytes: number;
  /** Longest side allowed, in pixels. Default: no limit. */
  maxDimension?: number;
  /** Stops the work (the worker is terminated); the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** A photo made to fit, or the file as it was when it already did. */
export interface ShrunkImage {
  file: File;
  /** False when the file already fitted and is returned as it was. */
  shrunk: boolean;
  width?: number;
  height?: number;
  /** JPEG quality chosen (absent for PNG). */
  quality?: number;
  /** Encodes the search tried. */
  encodes?: number;
  /** Where the work ran. */
  ranIn?: 'worker' | 'main-thread';
}

// The worker is made from the functions' own source: no separate file for an app's bundler, the
// script tag build or a CDN to serve, and the same code runs on the main thread as a fallback.
const WORKER_SOURCE = `"use strict";
const searchEncoding = (${searchEncoding.toString()});
const fitImage = (${fitImage.toString()});
onmessage = async (event) => {
  try { postMessage(await fitImage(event.data, searchEncoding)); }
  catch (error) { postMessage({ ok: false, reason: 'unreadable', detail: String(error) }); }
};`;

/**
 * Re-encodes a JPEG or PNG so that it fits `maxBytes` (and `maxDimension`), in a Web Worker
 * where the browser has one with `OffscreenCanvas`, else on the main thread. The name is kept;
 * only its extension changes when a PNG without transparency becomes a JPEG. Null when the image
 * cannot be read or made to fit; rejects with a `DOMException` `AbortError` when `signal` aborts.
 */
export async function shrinkImage(file: File, options: ShrinkImageOptions): Promise<ShrunkImage | null> {
  const { signal } = options;
  signal?.throwIfAborted();
  const request: FitRequest = { blob: file, maxBytes: options.maxBytes, maxDimension: options.maxDimension };
  let ranIn: ShrunkImage['ranIn'] = 'worker';
  let result = await inWorker(request, signal);
  if (result === undefined) {
    ranIn = 'main-thread';
    result = await fitImage(request, searchEncoding);
  }
  signal?.throwIfAborted();
  if (!result.ok) return null;
  if (result.unchanged) return { file, shrunk: false };
  const { blob } = result;
  const name = blob.type === 'image/jpeg' && !/\.jpe?g$/i.test(file.name) ? file.name.replace(/(\.[^.]*)?$/, '.jpg') : file.name;
  return {
    file: new File([blob], name, { type: blob.type, lastModified: file.lastModified }),
    shrunk: true,
    width: result.width,
    height: result.height,
    quality: result.quality,
    encodes: result.encodes,
    ranIn,
  };
}

/**
 * Runs {@link fitImage} in a worker. Undefined when there is no worker to be had here (no
 * `Worker` or `OffscreenCanvas`, or a page policy that forbids `blob:` workers): the caller then
 * does the work itself.
 */
function inWorker(request: FitRequest, signal: AbortSignal | undefined): Promise<FitResult | undefined> {
  // Stryker disable next-line ConditionalExpression: without Worker, new Worker throws below and the page does the work
  if (typeof Worker !== 'function' || typeof OffscreenCanvas !== 'function') return Promise.resolve(undefined);
  let worker: Worker;
  // Stryker disable next-line ObjectLiteral,StringLiteral: Chromium runs a blob: worker whatever the Blob's type
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    // Stryker disable BlockStatement: a refused worker (CSP) fails through onerror; the constructor does not throw
    worker = new Worker(url);
  } catch {
    // Stryker restore BlockStatement
    URL.revokeObjectURL(url);
    return Promise.resolve(undefined);
  }
  return new Promise<FitResult | undefined>((resolve, reject) => {
    const finish = () => {
      worker.terminate();
      URL.revokeObjectURL(url);
      // Stryker disable next-line StringLiteral: a leftover listener's finish() again only repeats no-ops
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      finish();
      reject(signal!.reason);
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a second finish() repeats no-ops on a settled promise
    signal?.addEventListener('abort', abort, { once: true });
    worker.onmessage = (event: MessageEvent<FitResult>) => {
      finish();
      resolve(event.data);
    };
    // The worker never started (a content security policy, a script the browser refused).
    worker.onerror = (event) => {
      event.preventDefault();
      finish();
      resolve(undefined);
    };
    worker.postMessage(request);
  });
}
