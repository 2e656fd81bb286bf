import { ERROR_STATUS, type ErrorCode } from '../../src/shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from '../../src/shared/messages.js';

/** Codes the widget retries by itself; the rest wait for the user's "Retry". */
const RETRIED_BY_ITSELF: Partial<Record<ErrorCode, string>> = {
  'rate-limited': 'after the countdown',
  'server-busy': 'after the countdown',
  network: 'when the browser is back online',
};

/** Example values for the placeholders, so that each message reads as a user sees it. */
const EXAMPLE = { types: 'JPG, JPEG, PNG…', maxSize: '5 MB', maxFiles: 10, seconds: 12 };

/**
 * The error-code table, read from the table client and server share (`src/shared/error-codes.ts`)
 * and the English messages, so the docs cannot drift from the code.
 */
export function ErrorCodeTable() {
  const codes = Object.keys(ERROR_STATUS) as ErrorCode[];
  return (
    <table data-testid="error-codes">
      <thead>
        <tr>
          <th scope="col">code</th>
          <th scope="col">status</th>
          <th scope="col">what the user reads</th>
          <th scope="col">retried by itself</th>
        </tr>
      </thead>
      <tbody>
        {codes.map((code) => (
          <tr key={code}>
            <td>
              <code>{code}</code>
            </td>
            <td>{ERROR_STATUS[code] === 0 ? 'browser only' : ERROR_STATUS[code]}</td>
            <td>{formatMessage(DEFAULT_ERROR_MESSAGES[code], EXAMPLE)}</td>
            <td>{RETRIED_BY_ITSELF[code] ?? 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
