/**
 * Upload progress applied once a frame. Browsers fire progress far more often than a screen
 * refreshes: the latest share of each upload is kept and all of them are applied in one update,
 * before the next paint (every 16 ms where there are no frames).
 */
export class ProgressFrames {
  private readonly pending = new Map<string, number>();
  private scheduled = false;

  /** @param apply Called once a frame with each upload's latest share, by id. */
  constructor(private readonly apply: (shares: ReadonlyMap<string, number>) => void) {}

  /** The share of upload `id` sent so far; a smaller one than already reported is ignored. */
  report(id: string, share: number): void {
    this.pending.set(id, Math.max(share, this.pending.get(id) ?? 0));
    // Stryker disable next-line ConditionalExpression: more applies per frame, of the same shares: the same state
    if (this.scheduled) return;
    // Stryker disable next-line BooleanLiteral: more applies per frame, of the same shares: the same state
    this.scheduled = true;
    nextFrame(() => {
      this.scheduled = false;
      const shares = new Map(this.pending);
      this.pending.clear();
      this.apply(shares);
    });
  }

  /** Drops what `id` reported and no frame applied yet (its try ended, or a new one starts). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  // Stryker disable next-line BlockStatement: ids are never reused, so a share kept for rows that are gone matches no row
  clear(): void {
    this.pending.clear();
  }
}

function nextFrame(callback: () => void): void {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: when progress is painted, not what
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}
