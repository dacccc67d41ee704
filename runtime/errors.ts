/**
 * A problem the user can fix (a bad plugin path, an unknown stage kind):
 * the CLI prints its message without a stack trace and exits 2.
 */
export class UserError extends Error {
  override name = 'UserError';
}
