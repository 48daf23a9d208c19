import { RuntimeEnv } from '../contract';
import { UserError } from './errors';

export interface Settings {
  /** Seconds this process may spend waiting out rate limits and retrying transient failures. */
  readonly retryBudget: number;
  /** Seconds one HTTP attempt may take, body included. */
  readonly requestTimeout: number;
  readonly debug: boolean;
}

export const DEFAULT_RETRY_BUDGET = 300;
export const DEFAULT_REQUEST_TIMEOUT = 30;

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    throw new UserError(`${name} must be a number of seconds${min > 0 ? ' above 0' : ''}, got "${raw}"`);
  }
  return n;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  return {
    retryBudget: seconds(env, RuntimeEnv.RETRY_BUDGET, DEFAULT_RETRY_BUDGET, 0),
    requestTimeout: Math.max(seconds(env, RuntimeEnv.REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, 0.001), 0.001),
    debug: ['1', 'true', 'yes'].includes((env[RuntimeEnv.DEBUG] ?? '').trim().toLowerCase()),
  };
}
