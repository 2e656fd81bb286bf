/** A timer that fires when an upload's bytes stop moving (see {@link watchStall}). */
export interface StallWatch {
  /** Bytes moved (or sending began): the wait starts again from now. */
  start(): void;
  /** Nothing to watch any more: the bytes are all sent, or the upload ended. */
  stop(): void;
}

/**
 * Calls `onStall` once `timeoutMs` pass without a `start()`: a connection that stops moving
 * mid-upload gives no error of its own, and would leave the progress bar frozen. `timeoutMs` 0
 * never fires.
 */
export function watchStall(onStall: () => void, timeoutMs: number): StallWatch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => clearTimeout(timer);
  return {
    start: () => {
      stop();
      if (timeoutMs > 0) timer = setTimeout(onStall, timeoutMs);
    },
    stop,
  };
}
