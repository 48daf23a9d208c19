import { EmulatorCore } from '../core';
import { Ctx, HttpError } from '../request-context';
import { RunnerRecord, ScopeState } from '../state';
import { requireLabels, requireObject } from './validate';
import { runnerIn } from './runners';

function answer(ctx: Ctx, r: RunnerRecord): void {
  ctx.send(200, { total_count: r.labels.length, labels: r.labels.map((l) => ({ ...l })) });
}

export function getLabels(_core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): void {
  answer(ctx, runnerIn(scope, m[1]));
}

/** POST: adds custom labels, keeping existing ones. */
export async function addLabels(core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): Promise<void> {
  const r = runnerIn(scope, m[1]);
  const labels = requireLabels(requireObject(await ctx.json()), 1);
  core.store.addCustomLabels(r, labels);
  answer(ctx, r);
}

/** PUT: replaces all custom labels (an empty list removes them). */
export async function setLabels(core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): Promise<void> {
  const r = runnerIn(scope, m[1]);
  const labels = requireLabels(requireObject(await ctx.json()), 0);
  r.labels = r.labels.filter((l) => l.type === 'read-only');
  core.store.addCustomLabels(r, labels);
  answer(ctx, r);
}

/** DELETE all: removes every custom label; answers with the read-only ones left. */
export function removeAllLabels(_core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): void {
  const r = runnerIn(scope, m[1]);
  r.labels = r.labels.filter((l) => l.type === 'read-only');
  answer(ctx, r);
}

/** DELETE one: 404 when the runner does not carry it; read-only labels cannot be removed (422). */
export function removeLabel(_core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): void {
  const r = runnerIn(scope, m[1]);
  let name: string;
  try {
    name = decodeURIComponent(m[2]);
  } catch {
    throw new HttpError(404, 'Not Found');
  }
  const label = r.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  if (!label) throw new HttpError(404, 'Not Found');
  if (label.type === 'read-only') throw new HttpError(422, `Bad request - Cannot remove read-only label "${label.name}"`);
  r.labels = r.labels.filter((l) => l !== label);
  answer(ctx, r);
}
