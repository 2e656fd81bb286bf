/**
 * The file-name check against the whole code space: every code point is refused or allowed by
 * the rule docs/security.md states (Unicode properties and a short list of fillers), and names people
 * really give their files still pass. The browser and the BFF run this same check.
 */
import { describe, expect, it } from 'vitest';
import { INVISIBLE_FILLERS, checkFile, isSafeFileName } from './check-file.js';

/** The rule, stated once more here by property, independently of how the check is written. */
const BY_PROPERTY =
  /[\p{General_Category=Control}\p{General_Category=Format}\p{General_Category=Line_Separator}\p{General_Category=Paragraph_Separator}\p{General_Category=Private_Use}\p{General_Category=Unassigned}\p{General_Category=Surrogate}\p{Default_Ignorable_Code_Point}]/u;
const PATH_SEPARATORS = ['/', '\\'];

const refusedByRule = (char: string) => BY_PROPERTY.test(char) || INVISIBLE_FILLERS.includes(char.codePointAt(0)!) || PATH_SEPARATORS.includes(char);

/** A JS string holds any code point, a lone surrogate too (the way a hand-made request can send one). */
const charOf = (code: number) => (code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('file names, code point by code point', () => {
  it('refuses exactly the code points the rule names, in the middle of a name, across 0..0x10FFFF', () => {
    const wrong: string[] = [];
    let refused = 0;
    for (let code = 0; code <= 0x10ffff; code += 1) {
      const char = charOf(code);
      const expected = !refusedByRule(char);
      const safe = isSafeFileName(`a${char}b.pdf`);
      if (!safe) refused += 1;
      if (safe !== expected && wrong.length < 20) wrong.push(`U+${code.toString(16).toUpperCase().padStart(4, '0')} ${safe ? 'allowed' : 'refused'}`);
    }
    expect(wrong).toEqual([]);
    // Most of the space is unassigned or private use; the rest (about 160,000 characters) passes.
    expect(refused).toBeGreaterThan(900_000);
  });

  it('refuses the invisible characters that used to pass: tag characters, Arabic number signs, separators, fillers, format controls', () => {
    const named = [
      ...range(0xe0001, 0xe0001),
      ...range(0xe0020, 0xe007f), // tag characters (U+E0002–U+E001F are unassigned)
      ...range(0x0600, 0x0605), // Arabic number signs, subtending marks
      0x2028,
      0x2029, // line and paragraph separators
      0x115f,
      0x1160,
      0x3164,
      0xffa0, // Hangul fillers
      0x2800, // Braille blank
      ...range(0x13430, 0x1343f), // Egyptian hieroglyph format controls
      ...range(0x1d173, 0x1d17a), // musical symbol format controls
    ];
    for (const code of [...named, ...range(0xe0002, 0xe001f)]) {
      const char = String.fromCodePoint(code);
      for (const name of [`a${char}b.pdf`, `${char}report.pdf`, `report${char}.pdf`, `report.pdf${char}`]) {
        expect(isSafeFileName(name), `U+${code.toString(16)} in ${JSON.stringify(name)}`).toBe(false);
      }
    }
    expect(checkFile({ name: 'photo\u{E0041}.png', size: 1 })).toBe('invalid-file-name');
    // A name of Braille blanks is not blank to trim(), and still refused.
    expect(isSafeFileName('\u2800\u2800\u2800.png')).toBe(false);
  });
});

describe('names people give their files', () => {
  it('pass: accents (composed or not), other scripts, emoji, spaces and punctuation', () => {
    const names = [
      'café.png',
      'cafe\u0301.png',
      '報告.pdf',
      '写真 2026-01-05.jpg',
      'Отчёт.docx',
      'تقرير.pdf',
      'रिपोर्ट.pdf',
      'Résumé 2026 (final).docx',
      'invoice #12 — paid.pdf',
      '😀.png',
      '❤️ notes.txt',
      '1️⃣ first.png',
      '👍🏽 ok.jpg',
      'hello\u00A0world.pdf',
    ];
    for (const name of names) expect(isSafeFileName(name), name).toBe(true);
    expect(checkFile({ name: '報告.pdf', size: 1 })).toBeNull();
  });

  it('pass: the joiners where they join, emoji sequences and scripts that need them', () => {
    const names = [
      '👩\u200D💻 notes.pdf', // woman technologist
      'team 👩\u200D💻.png', // the sequence after other text: the emoji it joins is the one before it
      '👩🏽\u200D💻.png', // with a skin tone
      '👨\u200D👩\u200D👧.jpg', // family
      '🏳\uFE0F\u200D🌈.png', // rainbow flag: a presentation selector before the joiner
      '🏳\uFE0F\u200D⚧\uFE0F.png',
      'می\u200Cخواهم.pdf', // Persian: the non-joiner between two letters
      'क्\u200Dष.pdf', // Devanagari: a half form
      'ക്\u200Dന.pdf', // Malayalam
      '葛\u{E0100}飾区.pdf', // an ideographic variation sequence
      'ᠠ\u180Bᠡ.pdf', // a Mongolian variation selector
    ];
    for (const name of names) expect(isSafeFileName(name), name).toBe(true);
  });

  it('refuse: the same joiners and selectors where they join nothing and only hide', () => {
    const names = [
      'pay\u200Dpal.pdf', // between Latin letters: reads as paypal.pdf
      'pay\u200Cpal.pdf',
      'می\u200Cpal.pdf', // a Persian letter on one side only
      'pay\u200Cمی.pdf',
      '\u200D👩.png', // at the start
      '👩\u200D.png', // after an emoji, before no emoji
      '👩\u200D\u200D💻.png', // two in a row
      '👩\u200C💻.png', // the non-joiner between emoji: only the joiner makes a sequence
      'report\u200D.pdf',
      'a\uFE0F.png', // a presentation selector after a letter
      'a\u{E0100}.png', // an ideographic selector after a letter
      'a\u180Bb.pdf', // a Mongolian selector after a Latin letter
      'a\u034Fb.pdf', // the combining grapheme joiner
    ];
    for (const name of names) expect(isSafeFileName(name), JSON.stringify(name)).toBe(false);
  });
});
