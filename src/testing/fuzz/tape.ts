/**
 * The choices a case makes beyond its arbitraries, as a tape of numbers fast-check draws and
 * shrinks, and {@link Rng}, which reads them in order: the valid form a case starts from (its
 * files, names and boundary) and the small choices of previews, messages and pipelines. Every
 * other part of a request (method, target, Host, headers, framing, the damage to a form and to
 * its bytes, pacing, leaving) is drawn by an arbitrary of its own.
 */
import fc from 'fast-check';

/** How many choices one case draws before its draws repeat (most make fewer). */
const TAPE_LENGTH = 320;
/** Random bytes are this many drawn bytes, repeated to the length asked. */
const BYTES_DRAWN = 64;
const UINT32 = 2 ** 32;

/**
 * The choices a case makes beyond its arbitraries: a fixed-length list of 32-bit numbers that fast-check generates from
 * its seed and shrinks first by zeroing the tail (every later choice the simplest), then number by
 * number toward 0. A choice of 0 is the first item, the smallest number and "no" to every
 * `chance`: a shrunk case is its kind's request with as few changes as still fail.
 */
export class TapeArbitrary extends fc.Arbitrary<readonly number[]> {
  private readonly number = fc.noBias(fc.integer({ min: 0, max: UINT32 - 1 }));

  generate(mrng: fc.Random): fc.Value<readonly number[]> {
    return new fc.Value(Array.from({ length: TAPE_LENGTH }, () => this.number.generate(mrng, undefined).value), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is readonly number[] {
    return Array.isArray(value) && value.every((item) => Number.isInteger(item));
  }

  shrink(tape: readonly number[]): fc.Stream<fc.Value<readonly number[]>> {
    const number = this.number;
    return fc.stream(
      (function* () {
        let used = tape.length;
        while (used > 0 && tape[used - 1] === 0) used -= 1;
        for (let keep = 0; keep < used; keep = keep === 0 ? 1 : keep * 2) {
          if (keep >= used) break;
          yield new fc.Value([...tape.slice(0, keep), ...new Array<number>(tape.length - keep).fill(0)], undefined);
        }
        for (let at = 0; at < used; at += 1) {
          if (tape[at] === 0) continue;
          for (const smaller of number.shrink(tape[at]!, undefined)) yield new fc.Value(tape.with(at, smaller.value), undefined);
        }
      })(),
    );
  }
}

/** Choices read in order off a case's tape, from its start again past its end. */
export class Rng {
  private at = 0;

  constructor(private readonly tape: readonly number[]) {}

  /** In [0, 1). */
  float(): number {
    const value = this.tape.length === 0 ? 0 : this.tape[this.at % this.tape.length]!;
    this.at += 1;
    return value / UINT32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`; a shrunk choice says no. */
  chance(p: number): boolean {
    return this.float() >= 1 - p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.float() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  bytes(n: number): Buffer {
    const drawn = Buffer.alloc(Math.min(n, BYTES_DRAWN));
    for (let i = 0; i < drawn.length; i += 4) {
      const word = Buffer.alloc(4);
      word.writeUInt32LE(this.tape.length === 0 ? 0 : this.tape[this.at % this.tape.length]!);
      this.at += 1;
      word.copy(drawn, i);
    }
    return n <= drawn.length ? drawn : Buffer.alloc(n, drawn);
  }
}
