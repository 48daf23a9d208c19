import { EmulatorClock } from './types';

/**
 * Wall clock plus an offset that tests move forward, so token expiry, JWT checks, rate-limit
 * windows and the `Date` header all agree on one notion of "now".
 */
export class Clock implements EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new Error(`clock.advance(${seconds}): pass a finite, non-negative number of seconds`);
    }
    this.offsetMs += Math.round(seconds * 1000);
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
