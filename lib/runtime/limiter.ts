/**
 * Stands in for Bottleneck inside the runtime bundle (scripts/bundle.js points `bottleneck` and
 * `bottleneck/light.js` here), for @octokit/plugin-retry and @octokit/plugin-throttling.
 *
 * Why: Bottleneck's setTimeout(0) yields were most of what this program adds to node's start
 * (docs/decisions.md, "Runtime start" and "Notes moved from code comments").
 *
 * What the plugins use, and what this keeps of Bottleneck's meaning:
 * - `schedule([jobOptions], fn, ...args)`: runs fn(...args); when it fails, the `failed`
 *   listeners get (error, { args, options, retryCount }); a number back means "retry in that
 *   many ms" (retryCount + 1), anything else rejects with the error;
 * - `maxConcurrent` and `minTime` (start-to-start spacing: the 1 s between writes); jobs of
 *   `weight` 0 (the plugins' retries) do not count against `maxConcurrent`;
 * - `Group#key(id)`: one limiter per key; `Events`: `on` on the target object, `trigger`
 *   resolving to the first listener result that is not null or undefined.
 * Clustering (Redis), priorities, expiration and reservoirs are not used by the plugins here.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any signature are registered
type Listener = (...args: any[]) => unknown;

export interface LimiterOptions {
  readonly maxConcurrent?: number | null;
  readonly minTime?: number;
  readonly [other: string]: unknown;
}

interface JobOptions {
  readonly weight?: number;
  readonly [other: string]: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Events {
  private readonly listeners = new Map<string, Listener[]>();

  constructor(target: object) {
    const t = target as { on?: unknown; once?: unknown };
    t.on = (name: string, cb: Listener) => {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), cb]);
      return target;
    };
    t.once = (name: string, cb: Listener) => {
      const wrapped: Listener = (...args) => {
        this.listeners.set(
          name,
          (this.listeners.get(name) ?? []).filter((l) => l !== wrapped),
        );
        return cb(...args);
      };
      return (t.on as (n: string, c: Listener) => object)(name, wrapped);
    };
  }

  public async trigger(name: string, ...args: unknown[]): Promise<unknown> {
    const listeners = this.listeners.get(name) ?? [];
    const results = await Promise.all(
      listeners.map(async (cb) => {
        try {
          return await cb(...args);
        } catch (error) {
          if (name !== 'error') await this.trigger('error', error);
          return undefined;
        }
      }),
    );
    return results.find((r) => r !== null && r !== undefined);
  }
}

export default class Limiter {
  public static readonly Events = Events;
  public static Group: typeof Group;

  /** Added by Events. */
  declare public readonly on: (name: string, cb: Listener) => this;
  private readonly events: Events;
  private running = 0;
  private nextStart = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: LimiterOptions = {}) {
    this.events = new Events(this);
  }

  public schedule(...input: unknown[]): Promise<unknown> {
    const jobOptions = (typeof input[0] === 'function' ? {} : (input.shift() ?? {})) as JobOptions;
    const [fn, ...args] = input as [(...a: unknown[]) => unknown, ...unknown[]];
    return this.run(jobOptions, fn, args, 0);
  }

  private async run(jobOptions: JobOptions, fn: (...a: unknown[]) => unknown, args: unknown[], retryCount: number): Promise<unknown> {
    const release = await this.acquire((jobOptions.weight ?? 1) > 0);
    let error: unknown;
    try {
      return await fn(...args);
    } catch (e) {
      error = e;
    } finally {
      release();
    }
    // Unlike Bottleneck, a retry gives its slot back and queues again; only the plugins' unlimited
    // limiters have `failed` listeners, so nothing waits behind a retry.
    const wait = await this.events.trigger('failed', error, { args, options: jobOptions, retryCount });
    if (typeof wait !== 'number' || !Number.isFinite(wait)) throw error;
    await this.events.trigger('retry', `Retrying after ${wait} ms`, { args, options: jobOptions, retryCount });
    if (wait > 0) await sleep(wait);
    return this.run(jobOptions, fn, args, retryCount + 1);
  }

  /** Waits for a concurrency slot and for `minTime` since the previous start. */
  private async acquire(counts: boolean): Promise<() => void> {
    const max = this.options.maxConcurrent ?? Infinity;
    while (counts && this.running >= max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (counts) this.running++;
    const minTime = this.options.minTime ?? 0;
    if (minTime > 0) {
      const now = Date.now();
      const start = Math.max(now, this.nextStart);
      this.nextStart = start + minTime;
      if (start > now) await sleep(start - now);
    }
    let released = false;
    return () => {
      if (released || !counts) return;
      released = true;
      this.running--;
      this.waiting.shift()?.();
    };
  }
}

class Group {
  private readonly limiters = new Map<string, Limiter>();

  constructor(private readonly options: LimiterOptions = {}) {}

  public key(id = ''): Limiter {
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new Limiter(this.options);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

Limiter.Group = Group;
