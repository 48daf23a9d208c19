import { EmulatorCore } from '../core';
import { Ctx, HttpError } from '../request-context';
import { RunnerRecord, runnerJson, ScopeState } from '../state';

/** The runner `id` of this scope; 404 when it does not exist here. */
export function runnerIn(scope: ScopeState, id: string): RunnerRecord {
  const r = scope.runners.get(Number(id));
  if (!r) throw new HttpError(404, 'Not Found');
  return r;
}

export function listRunners(core: EmulatorCore, ctx: Ctx, scope: ScopeState): void {
  // A server without the filter (the GHES reference: `per_page` and `page` only) lists everything.
  const name = core.nameFilter ? ctx.query.get('name') : null;
  let all: readonly RunnerRecord[];
  if (name !== null) {
    const one = scope.byRunnerName(name);
    all = one ? [one] : [];
  } else {
    all = scope.list();
  }
  const page = ctx.paginate(all);
  ctx.send(200, { total_count: all.length, runners: page.map((r) => runnerJson(r, core.ghesLegacy)) });
}

export function getRunner(core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): void {
  ctx.send(200, runnerJson(runnerIn(scope, m[1]), core.ghesLegacy));
}

export function deleteRunner(core: EmulatorCore, ctx: Ctx, scope: ScopeState, m: RegExpExecArray): void {
  const r = runnerIn(scope, m[1]);
  if (r.busy) {
    ctx.error(422, `Bad request - Runner "${r.name}" is still running a job"`);
    return;
  }
  core.store.deleteRunner(r);
  ctx.send(204);
}
