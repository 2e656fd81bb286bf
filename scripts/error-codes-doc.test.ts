import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/shared/error-codes.js';
import { errorCodeGroups, errorCodesPage } from './error-codes-doc.mjs';

describe('docs/error-codes.md, written from the shared table', () => {
  it('lists every code of ERROR_STATUS, in its order, with its status and a non-blank reason', () => {
    const rows = errorCodeGroups().flatMap((group) => group.rows);
    expect(rows.map((row) => [row.code, row.status])).toEqual(Object.entries(ERROR_STATUS));
    for (const row of rows) expect(row.when.trim(), row.code).not.toBe('');
  });

  it('refuses a code without its doc comment rather than leave its row blank', () => {
    const text = "export const ERROR_STATUS = {\n  /** a */\n  'a-code': 400,\n  'b-code': 403,\n} as const;\n";
    expect(() => errorCodeGroups(text)).toThrow('"b-code" has no /** doc comment */');
  });

  it('groups by the line comments and escapes pipes, so a reason cannot break the table', () => {
    const text = "export const ERROR_STATUS = {\n  // First group. Said below it.\n  /** a | b */\n  one: 400,\n  // Browser only.\n  /**\n   * long\n   * reason\n   */\n  two: 0,\n} as const;\n";
    const page = errorCodesPage(errorCodeGroups(text));
    expect(page).toContain('## First group\n\nSaid below it.\n\n| code | status | when |');
    expect(page).toContain('| `one` | 400 | a \\| b |');
    expect(page).toContain('## Browser only\n\n| code | status | when |\n|---|---|---|\n| `two` | — | long reason |');
  });

  it('is what the committed page says (npm test also runs `--check`)', () => {
    expect(readFileSync('docs/error-codes.md', 'utf8')).toBe(errorCodesPage());
  });
});
