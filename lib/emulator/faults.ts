import { Fault } from './types';

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

interface ActiveFault {
  fault: Fault;
  pattern?: RegExp;
  /** Requests left; Infinity for `times: 0`. */
  left: number;
}

/** Injected failures, matched in the order they were added; the first match wins. */
export class FaultSet {
  private faults: ActiveFault[] = [];

  add(f: Fault): void {
    const checked = checkFault(f);
    this.faults.push({
      fault: checked,
      pattern: checked.path === undefined ? undefined : new RegExp(checked.path),
      left: (checked.times ?? 1) === 0 ? Infinity : (checked.times ?? 1),
    });
  }

  clear(): void {
    this.faults = [];
  }

  get size(): number {
    return this.faults.length;
  }

  /** The fault for this request, consuming one of its `times`. */
  take(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (a) => (!a.fault.method || a.fault.method.toUpperCase() === method) && (!a.pattern || a.pattern.test(path)),
    );
    if (i < 0) return undefined;
    const a = this.faults[i];
    a.left--;
    if (a.left <= 0) this.faults.splice(i, 1);
    return a.fault;
  }
}

/** Validates a fault from code or from JSON over HTTP, failing with one line. */
export function checkFault(f: Fault): Fault {
  if (!f || typeof f !== 'object') throw new Error('A fault must be an object like {"path":"/actions/runners$","status":502}');
  if (f.path !== undefined) {
    try {
      new RegExp(f.path);
    } catch {
      throw new Error(`Fault path '${f.path}' is not a valid regular expression`);
    }
  }
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 100 || f.status > 599))
    throw new Error(`Fault status ${f.status} must be an HTTP status code`);
  if (f.times !== undefined && (!Number.isInteger(f.times) || f.times < 0))
    throw new Error(`Fault times ${f.times} must be a non-negative integer (0 = forever)`);
  if (f.delayMs !== undefined && (!Number.isFinite(f.delayMs) || f.delayMs < 0))
    throw new Error(`Fault delayMs ${f.delayMs} must be a non-negative number`);
  if (f.body !== undefined && typeof f.body !== 'string') throw new Error('Fault body must be a string (serialize JSON yourself)');
  return { ...f, headers: f.headers ? { ...f.headers } : undefined };
}

function json(v: unknown): string {
  return JSON.stringify(v);
}

/** Ready-made faults whose answers GitHub's clients (and Octokit's throttling plugin) recognize. */
export const Faults = {
  /** GitHub's secondary rate limit: 403 (or 429) with `retry-after`. */
  secondaryRateLimit(o: { status?: 403 | 429; retryAfter: number; path?: string; times?: number }): Fault {
    const status = o.status ?? 403;
    return {
      path: o.path,
      times: o.times,
      status,
      headers: { 'retry-after': String(o.retryAfter), 'content-type': 'application/json; charset=utf-8' },
      body: json({
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
        status: String(status),
      }),
    };
  },

  /** An exhausted primary limit: 403 with `x-ratelimit-remaining: 0` and a reset this many seconds ahead. */
  primaryRateLimit(o: { resetInSeconds: number; path?: string; times?: number }): Fault {
    return {
      path: o.path,
      times: o.times,
      status: 403,
      rateLimitResetInSeconds: o.resetInSeconds,
      headers: { 'x-ratelimit-remaining': '0', 'content-type': 'application/json; charset=utf-8' },
      body: json({
        message: 'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url: `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit`,
        status: '403',
      }),
    };
  },

  serverError(o: { status?: number; path?: string; times?: number }): Fault {
    const status = o.status ?? 500;
    return {
      path: o.path,
      times: o.times,
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: json({ message: 'Server Error', status: String(status) }),
    };
  },
};
