import { Clock } from './clock';
import { SecondaryLimitStats } from './types';

/**
 * GitHub's documented secondary rate limits for the REST API
 * (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
 * at most 100 concurrent requests, and at most 80 content-generating requests a minute and 500
 * an hour. Shared by every client of one credential, which is what several pipelines applying
 * stacks of one organization at once run into.
 */
export const GITHUB_SECONDARY_LIMITS = {
  maxConcurrent: 100,
  contentPerMinute: 80,
  contentPerHour: 500,
  retryAfterSeconds: 60,
} as const;

export interface SecondaryLimitSettings {
  /** Requests of one credential in flight at once. */
  readonly maxConcurrent: number;
  /** Content-generating requests (POST, PUT, PATCH, DELETE) of one credential per minute. */
  readonly contentPerMinute: number;
  /** The same per hour. */
  readonly contentPerHour: number;
  /** The `retry-after` GitHub answers with (it asks clients to wait at least a minute). */
  readonly retryAfterSeconds: number;
}

/** What tripped, for the answer and for the counts a benchmark reports. */
export type SecondaryLimitKind = keyof SecondaryLimitStats['hits'];

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Per-credential accounting of the secondary limits. */
export class SecondaryLimiter {
  private readonly inFlight = new Map<string, number>();
  /** Emulator-clock times of content-generating requests in the last hour, oldest first. */
  private readonly writes = new Map<string, number[]>();
  private readonly hits: Record<SecondaryLimitKind, number> = { concurrent: 0, 'content-per-minute': 0, 'content-per-hour': 0 };
  private peak = 0;

  constructor(
    private readonly clock: Clock,
    readonly settings: SecondaryLimitSettings,
  ) {}

  /**
   * Takes a concurrency slot for a request presenting `authorization`, from its arrival until its
   * answer is closed (so the emulator's latency counts as time in flight, as GitHub's does), or
   * says the limit is reached. Requests are keyed by the header they present: one token, one key.
   */
  enter(authorization: string | undefined): { release: () => void } | undefined {
    const key = authorization ?? '';
    const running = this.inFlight.get(key) ?? 0;
    if (running >= this.settings.maxConcurrent) {
      this.hits.concurrent++;
      return undefined;
    }
    this.inFlight.set(key, running + 1);
    this.peak = Math.max(this.peak, running + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(key);
        else this.inFlight.set(key, left);
      },
    };
  }

  /** Counts a content-generating request of `bucket` (a credential), or names the limit it exceeds. */
  write(bucket: string): SecondaryLimitKind | undefined {
    const now = this.clock.now();
    const times = (this.writes.get(bucket) ?? []).filter((t) => t > now - HOUR_MS);
    this.writes.set(bucket, times);
    let exceeded: SecondaryLimitKind | undefined;
    if (times.length >= this.settings.contentPerHour) exceeded = 'content-per-hour';
    else if (times.filter((t) => t > now - MINUTE_MS).length >= this.settings.contentPerMinute) exceeded = 'content-per-minute';
    if (exceeded) this.hits[exceeded]++;
    else times.push(now);
    return exceeded;
  }

  stats(): SecondaryLimitStats {
    return { hits: { ...this.hits }, peakConcurrent: this.peak };
  }
}

/** Fills GitHub's values for what a seed leaves out, and checks the rest. */
export function resolveSecondaryLimits(s: Partial<SecondaryLimitSettings> | undefined): SecondaryLimitSettings | undefined {
  if (s === undefined) return undefined;
  if (!s || typeof s !== 'object' || Array.isArray(s))
    throw new Error("Seed secondaryLimits must be an object (use {} for GitHub's documented values)");
  const out = { ...GITHUB_SECONDARY_LIMITS, ...s };
  for (const [k, v] of Object.entries(out)) {
    const min = k === 'retryAfterSeconds' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) throw new Error(`Seed secondaryLimits.${k} ${String(v)} must be an integer >= ${min}`);
  }
  return out;
}
