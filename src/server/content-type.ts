import { safeParse } from 'fast-content-type-parse';

/** A `Content-Type` header as RFC 9110 reads it: the lower-case media type and its parameters. */
export interface ContentType {
  type: string;
  /** Parameter names are lower-case; quoted values are unquoted. */
  parameters: Record<string, string>;
}

/**
 * Parses a `Content-Type` header with a maintained parser (one place for every header the
 * route reads, instead of a regular expression each), or `undefined` when it does not parse.
 * Parameters are matched by their whole name, so `xboundary=…` is not a `boundary`.
 */
export function parseContentType(header: string | null | undefined): ContentType | undefined {
  if (!header) return undefined;
  const parsed = safeParse(header);
  // safeParse answers its empty default for a header it cannot read.
  return parsed.type === '' ? undefined : { type: parsed.type, parameters: parsed.parameters };
}
