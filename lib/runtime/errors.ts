// The runtime's error classes. This module imports nothing, so every module may import it without
// a cycle; the messages for failed GitHub requests are written in error-messages.ts.

/** A failure with a message a person can act on: printed as one line, exit 1. */
export class UserError extends Error {
  readonly exitCode: number = 1;
  /**
   * @param status the HTTP status behind it, when it explains a GitHub answer
   * @param attempts how many attempts the request took (more than 1 when it was retried)
   */
  constructor(
    message: string,
    readonly status?: number,
    readonly attempts?: number,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Wrong command line: exit 2, like most CLIs. */
export class UsageError extends UserError {
  override readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Thrown by the fetch wrapper for failures without an HTTP answer (timeout, refused, reset). */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'connection',
    readonly detail: string,
  ) {
    super(kind === 'timeout' ? `timed out (${detail})` : `connection failed (${detail})`);
    this.name = 'TransportError';
  }
}

/** The first error of class `cls` in `err`'s cause chain (octokit wraps what fetch throws). */
export function findCause<T extends Error>(err: unknown, cls: new (...args: never[]) => T): T | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof cls) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
