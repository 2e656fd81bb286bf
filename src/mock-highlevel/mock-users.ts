import type { MockAnswer } from './highlevel-answers.js';
import { answers } from './highlevel-answers.js';

/** A user of the mock's agency (or of another one), as HighLevel's Users API describes them. */
export interface MockUser {
  id: string;
  /** Default: `User {id}`. */
  name?: string;
  /** Default: `{id}@example.com`. */
  email?: string;
  role: 'admin' | 'user';
  /** HighLevel's words: `account` is a sub-account (location) user, `agency` an agency user. */
  type: 'account' | 'agency';
  /** The sub-accounts the user works in. */
  locationIds: readonly string[];
  /** An agency user limited to `locationIds`. Default: `false`. */
  restrictSubAccount?: boolean;
  /** The agency the user belongs to. Default: the mock's own (every mock location is in it). */
  companyId?: string;
}

/**
 * `GET /users/{userId}` for a token that has passed the mock's checks (valid, `users.readonly`,
 * within its rate): the user, as HighLevel answers it, when they belong to the token's agency.
 * A location's token does not reach other agencies' users, and HighLevel's Users API documents
 * 400 (not 404) for an id it cannot answer about: both get that 400.
 */
export function answerUser(userId: string, users: readonly MockUser[], agencyId: string): MockAnswer {
  const user = users.find((candidate) => candidate.id === userId && (candidate.companyId ?? agencyId) === agencyId);
  if (!user) return answers.badRequest('User not found');
  const name = user.name ?? `User ${user.id}`;
  const [firstName = '', ...rest] = name.split(' ');
  return {
    status: 200,
    body: {
      id: user.id,
      name,
      firstName,
      lastName: rest.join(' '),
      email: user.email ?? `${user.id}@example.com`,
      phone: '',
      extension: '',
      permissions: {},
      scopes: [],
      roles: {
        type: user.type,
        role: user.role,
        locationIds: [...user.locationIds],
        restrictSubAccount: user.restrictSubAccount ?? false,
      },
    },
  };
}
