import { EmulatorCore } from '../core';
import { Ctx } from '../request-context';
import { ScopeState } from '../state';

/** GET runner-groups (organizations and enterprises): resolves a group name to `runner_group_id`. */
export function listGroups(_core: EmulatorCore, ctx: Ctx, scope: ScopeState): void {
  const page = ctx.paginate(scope.groups);
  const base = `${ctx.apiBase}${scope.ref.apiPrefix}/actions/runner-groups`;
  const enterprise = scope.ref.kind === 'enterprise';
  const groups = page.map((g) => ({
    id: g.id,
    name: g.name,
    visibility: 'all',
    default: g.isDefault,
    runners_url: `${base}/${g.id}/runners`,
    ...(enterprise ? { selected_organizations_url: `${base}/${g.id}/organizations` } : { inherited: false }),
    allows_public_repositories: false,
    restricted_to_workflows: false,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
  }));
  ctx.send(200, { total_count: scope.groups.length, runner_groups: groups });
}
