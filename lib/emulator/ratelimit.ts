import { Clock } from './clock';

export interface RateState {
  limit: number;
  remaining: number;
  /** Epoch seconds on the emulator clock. */
  reset: number;
  used: number;
}

const WINDOW_SECONDS = 3600;
/** GitHub's unauthenticated limit per IP address and hour. */
export const UNAUTHENTICATED_LIMIT = 60;

/** GitHub's primary rate limit: a fixed one-hour window per credential, opened by its first request. */
export class RateLimiter {
  private readonly buckets = new Map<string, { start: number; used: number }>();

  constructor(private readonly clock: Clock) {}

  private bucket(key: string): { start: number; used: number } {
    const now = this.clock.nowSeconds();
    let b = this.buckets.get(key);
    if (!b || now >= b.start + WINDOW_SECONDS) {
      b = { start: now, used: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Counts one request; `exceeded` when the window had no request left (the request is refused). */
  consume(key: string, limit: number): RateState & { exceeded: boolean } {
    const b = this.bucket(key);
    const exceeded = b.used >= limit;
    if (!exceeded) b.used++;
    return { ...this.state(b, limit), exceeded };
  }

  peek(key: string, limit: number): RateState {
    return this.state(this.bucket(key), limit);
  }

  private state(b: { start: number; used: number }, limit: number): RateState {
    return { limit, remaining: Math.max(0, limit - b.used), reset: b.start + WINDOW_SECONDS, used: b.used };
  }
}

export function rateHeaders(s: RateState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-resource': 'core',
  };
}
