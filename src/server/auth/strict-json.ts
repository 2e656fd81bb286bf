/**
 * JSON read with no leeway, for text whose bytes an attacker may have altered without knowing
 * the key (HighLevel's user context has no MAC). Garbage that a lax reader would take, replaced
 * characters for broken UTF-8, a second value of a key that wins over the first, a control
 * character inside a string, makes this answer `undefined` instead.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Control characters (C0, DEL, C1) and lone surrogates, which no genuine string here carries. */
const CONTROL = /[\p{Cc}\p{Cs}]/u;

/**
 * The value of `bytes`, or `undefined` when they are not UTF-8 (decoded fatally: no U+FFFD for
 * a broken sequence), not JSON, hold an object with the same key twice (at any depth), or a
 * string (value or key) with a control character, escaped or not.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return hasDuplicateKey(text) || hasControlCharacter(value) ? undefined : value;
}

/**
 * Whether an object in `text` (valid JSON: `JSON.parse` took it) names a key twice. The parsed
 * value cannot tell (the last value silently wins, and a reviver sees only that one), so the
 * text is walked: strings are skipped whole (escapes included) and decoded, and a stack holds
 * one set of keys per open object (`undefined` for an open array). A string is a key when it
 * opens an object or follows a comma inside one; any other string is a value. Since the text is
 * known to be JSON, structure is all there is to track.
 */
function hasDuplicateKey(text: string): boolean {
  // Stryker disable next-line ArrayDeclaration: an entry below the outermost value is never read
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(undefined);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      // Stryker disable next-line BooleanLiteral: a comma or a closing bracket comes next, and each sets it again
      expectKey = false;
    } else if (char === ',') {
      expectKey = open.at(-1) !== undefined;
    } else if (char === '"') {
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const keys = open.at(-1)!;
        const key = JSON.parse(text.slice(at, end + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      at = end;
    }
  }
  return false;
}

function hasControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (Array.isArray(value)) return value.some(hasControlCharacter);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => CONTROL.test(key) || hasControlCharacter(inner));
  }
  return false;
}
