/**
 * Where log lines go. Lines never contain a token. Three call shapes are supported as they are
 * passed in, and told apart here so that no field is lost:
 * - `console`, winston, and any `{ info?, warn?, error? }` of your own: `(message, fields)`;
 * - pino (and loggers like it, which have `bindings()`): `(fields, message)`, pino's order.
 */
export interface Logger {
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** What every part of the server writes to: each level always there, in `(message, fields)` order. */
export interface ResolvedLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The default of every constructor (`createUploadHandler`, `oauthToken`, `redisStore`, the
 * mock): warnings and errors to `console`, which is what an operator reads when nothing else is
 * set up; no info lines. Pass `logger: {}` for silence.
 */
export const DEFAULT_LOGGER: Logger = {
  warn: (message, fields) => (fields === undefined ? console.warn(message) : console.warn(message, fields)),
  error: (message, fields) => (fields === undefined ? console.error(message) : console.error(message, fields)),
};

type AnyLog = (...args: unknown[]) => void;

/** The logger as the server calls it, whatever shape was passed. */
export function resolveLogger(logger: Logger | undefined, owner: string): ResolvedLogger {
  const given = logger ?? DEFAULT_LOGGER;
  // `null` is taken as no logger (`??`), like `undefined`.
  if (typeof given !== 'object') throw new TypeError(`${owner}: \`logger\` must be an object with info, warn and error methods.`);
  // pino's instances carry bindings(); its methods take the object first.
  const fieldsFirst = typeof (given as { bindings?: unknown }).bindings === 'function';
  const level = (name: keyof Logger) => {
    const method = given[name] as AnyLog | undefined;
    if (typeof method !== 'function') return () => undefined;
    const call = method.bind(given) as AnyLog;
    if (fieldsFirst) return (message: string, fields?: Record<string, unknown>) => call(fields ?? {}, message);
    return (message: string, fields?: Record<string, unknown>) => (fields === undefined ? call(message) : call(message, fields));
  };
  return { info: level('info'), warn: level('warn'), error: level('error') };
}
