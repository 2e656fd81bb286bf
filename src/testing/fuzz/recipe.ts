/** What fast-check draws for a case and a batch, and how a batch shrinks. */
import fc from 'fast-check';
import type { FuzzCase, FuzzContext, FuzzKind, WithHost } from './fuzz-case.js';
import { generateCase } from './generate-case.js';
import { byteEditsArbitrary, type ByteEdit } from './byte-edits.js';
import type { Chunking } from './draft.js';
import { sometimes } from './draws.js';
import { formEditsArbitrary, type FormEdit } from './form-edits.js';
import { bodyFramingArbitrary, chunkedEditArbitrary, chunkingArbitrary, lengthEditArbitrary, validVariantArbitrary, type ChunkedEdit, type LengthEdit } from './framing.js';
import { headerEditsArbitrary, hostValueArbitrary, methodArbitrary, targetArbitrary, type HeaderEdit } from './head.js';
import { leaveArbitrary, slowArbitrary } from './pacing.js';
import { TapeArbitrary } from './tape.js';

const KINDS: readonly (readonly [number, FuzzKind])[] = [
  [8, 'valid'],
  [8, 'method'],
  [8, 'target'],
  [7, 'host'],
  [10, 'header'],
  [7, 'length'],
  [7, 'chunked'],
  [28, 'body'],
  [1.2, 'slow'],
  [2.5, 'leave'],
  [2, 'pipeline'],
  [3, 'preview'],
  [6, 'message'],
];

/** A broken form's damage: structural with or without byte edits, or byte edits alone. */
const bodyDamageArbitrary = fc.oneof(
  { weight: 42, arbitrary: fc.record({ form: formEditsArbitrary, bytes: fc.constant<ByteEdit[]>([]) }) },
  { weight: 18, arbitrary: fc.record({ form: formEditsArbitrary, bytes: byteEditsArbitrary(1, 4) }) },
  { weight: 40, arbitrary: fc.record({ form: fc.constant<FormEdit[]>([]), bytes: byteEditsArbitrary(1, 4) }) },
);

type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

/**
 * What a case is made of: its kind, what fast-check drew for it (a method, a target, a `Host`
 * value, header edits, framing edits, a broken form's damage and way there, a slow client's
 * pacing, how a client leaves, how chunks are cut), and the tape the rest of its choices are
 * read off (see {@link Rng}): the valid form it starts from and the small choices of previews,
 * messages and pipelines.
 */
export interface CaseRecipe {
  kind: FuzzKind;
  tape: readonly number[];
  chunking: Chunking;
  method?: string;
  target?: WithHost<string>;
  host?: WithHost<string | undefined>;
  header?: { edits: HeaderEdit[]; headBytes: ByteEdit[] | undefined };
  length?: LengthEdit;
  chunked?: ChunkedEdit;
  valid?: Drawn<typeof validVariantArbitrary>;
  body?: Drawn<typeof bodyFramingArbitrary> & Drawn<typeof bodyDamageArbitrary>;
  slow?: Drawn<typeof slowArbitrary>;
  leave?: Drawn<typeof leaveArbitrary>;
}

/** What each kind draws besides its tape and chunking. */
const KIND_ARBITRARIES: Partial<Record<FuzzKind, Record<string, fc.Arbitrary<unknown>>>> = {
  valid: { valid: validVariantArbitrary },
  method: { method: methodArbitrary },
  target: { target: targetArbitrary },
  host: { host: hostValueArbitrary },
  header: { header: fc.record({ edits: headerEditsArbitrary, headBytes: sometimes(20, byteEditsArbitrary(1, 3), fc.constant(undefined)) }) },
  length: { length: lengthEditArbitrary },
  chunked: { chunked: chunkedEditArbitrary },
  body: { body: fc.tuple(bodyFramingArbitrary, bodyDamageArbitrary).map(([framing, damage]) => ({ ...framing, ...damage })) },
  slow: { slow: slowArbitrary },
  leave: { leave: leaveArbitrary },
};

/** A case: a kind, as often as {@link KINDS} weighs it, and what that kind needs. */
export const caseArbitrary: fc.Arbitrary<CaseRecipe> = fc.oneof(
  ...KINDS.map(([weight, kind]) => ({
    weight: Math.round(weight * 10),
    arbitrary: fc.record({ kind: fc.constant(kind), tape: new TapeArbitrary(), chunking: chunkingArbitrary, ...KIND_ARBITRARIES[kind] }) as unknown as fc.Arbitrary<CaseRecipe>,
  })),
);

type Batch = readonly CaseRecipe[];

/**
 * A batch of `size` cases; shrinks to either half, then to one case less (from 16 cases down),
 * then case by case. `describe` tells fast-check how to print one (what it sent).
 */
class BatchArbitrary extends fc.Arbitrary<Batch> {
  constructor(
    private readonly size: number,
    private readonly describe: (batch: Batch) => string,
  ) {
    super();
  }

  /** A batch as fast-check holds it: a list of its own, that prints as `describe` says, and its cases' contexts. */
  private value(items: readonly fc.Value<CaseRecipe>[]): fc.Value<Batch> {
    const own: Batch = items.map((item) => item.value_);
    const describe = this.describe;
    Object.defineProperty(own, fc.toStringMethod, { value: () => describe(own) });
    return new fc.Value(own, items);
  }

  generate(mrng: fc.Random): fc.Value<Batch> {
    return this.value(Array.from({ length: this.size }, () => caseArbitrary.generate(mrng, undefined)));
  }

  canShrinkWithoutContext(_value: unknown): _value is Batch {
    return false;
  }

  shrink(_batch: Batch, context: unknown): fc.Stream<fc.Value<Batch>> {
    const items = context as readonly fc.Value<CaseRecipe>[] | undefined;
    if (!items) return fc.Stream.nil();
    const value = (next: readonly fc.Value<CaseRecipe>[]) => this.value(next);
    return fc.stream(
      (function* () {
        if (items.length > 1) {
          const half = Math.ceil(items.length / 2);
          yield value(items.slice(0, half));
          yield value(items.slice(half));
          if (items.length <= 16) for (let at = 0; at < items.length; at += 1) yield value(items.toSpliced(at, 1));
        }
        for (let at = 0; at < items.length; at += 1) {
          for (const smaller of caseArbitrary.shrink(items[at]!.value_, items[at]!.context)) yield value(items.with(at, smaller));
        }
      })(),
    );
  }
}

/**
 * `size` cases, for `fc.asyncProperty`: one property run sends them as one batch. `describe`
 * prints a batch in fast-check's report (the requests it became). Default: its size.
 */
export const fuzzBatch = (size: number, describe: (batch: Batch) => string = (batch) => `${batch.length} case(s)`): fc.Arbitrary<Batch> =>
  new BatchArbitrary(size, describe);

/** The cases of one batch: case `firstId + i` is made from `recipes[i]`. */
export function generateCases(recipes: readonly CaseRecipe[], firstId: number, ctx: FuzzContext): FuzzCase[] {
  return recipes.map((recipe, i) => generateCase(recipe, firstId + i, ctx));
}
