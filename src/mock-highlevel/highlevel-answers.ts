/**
 * HighLevel's answers, byte for byte as documented (docs/highlevel-api.md). Note the two shapes:
 * most errors carry `statusCode` (NestJS), but 413 and 415 carry `status`.
 */
import { randomUUID } from 'node:crypto';

export interface MockAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const answers = {
  badRequest: (message = 'Bad Request'): MockAnswer => ({
    status: 400,
    body: { statusCode: 400, message, ...(message === 'Bad Request' ? {} : { error: 'Bad Request' }) },
  }),
  invalidToken: (): MockAnswer => ({
    status: 401,
    body: { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' },
  }),
  missingScope: (): MockAnswer => ({
    status: 401,
    body: { statusCode: 401, message: 'The token is not authorized for this scope.', error: 'Unauthorized' },
  }),
  wrongLocation: (): MockAnswer => ({
    status: 403,
    body: { statusCode: 403, message: 'The token does not have access to this location.' },
  }),
  tooLarge: (): MockAnswer => ({ status: 413, body: { status: 413, message: 'Failed to upload the files' } }),
  unsupportedType: (): MockAnswer => ({ status: 415, body: { status: 415, message: 'Failed to upload the files' } }),
  unprocessable: (messages: string[]): MockAnswer => ({
    status: 422,
    body: { statusCode: 422, message: messages, error: 'Unprocessable Entity', traceId: randomUUID() },
  }),
  conversationNotFound: (id: string): MockAnswer => ({
    status: 500,
    body: { statusCode: 500, message: `Conversation with id ${id} not found` },
  }),
  rateLimited: (retryAfterSeconds: number): MockAnswer => ({
    status: 429,
    body: { statusCode: 429, message: 'Too Many Requests' },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  notFound: (method: string, path: string): MockAnswer => ({
    status: 404,
    body: { statusCode: 404, message: `Cannot ${method} ${path}`, error: 'Not Found' },
  }),
};
