import { hexSecret, uuid } from './ids';
import { defaultLabelNames, isDefaultLabelName } from './labels-model';
import { EmulatedScope } from './scope-routes';
import { EmulatedRunner, RunnerLabel } from './types';

export interface RunnerRecord {
  id: number;
  name: string;
  /** `linux`, `macos`, `windows` or `unknown`. */
  os: string;
  arch: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: RunnerLabel[];
  scope: ScopeState;
  ephemeral: boolean;
  jit: boolean;
  groupId: number;
  version: string | null;
  /** What the runner stubs authenticate with after configuration; never logged. */
  secret: string;
  clientId: string;
  workFolder: string;
}

export interface GroupRecord {
  id: number;
  name: string;
  isDefault: boolean;
}

export const DEFAULT_GROUP_ID = 1;

/** The runners and groups of one enterprise, organization or repository. */
export class ScopeState {
  readonly runners = new Map<number, RunnerRecord>();
  readonly groups: GroupRecord[] = [];
  private readonly byName = new Map<string, RunnerRecord>();
  /** Runners in id order, rebuilt only after an insertion or deletion so pages stay O(page). */
  private ordered: RunnerRecord[] | undefined;

  /** Enterprises only: the numeric id GitHub accepts in place of the slug. */
  enterpriseId?: number;

  constructor(readonly ref: EmulatedScope) {
    if (ref.hasGroups) this.groups.push({ id: DEFAULT_GROUP_ID, name: 'Default', isDefault: true });
  }

  list(): RunnerRecord[] {
    if (!this.ordered) this.ordered = [...this.runners.values()];
    return this.ordered;
  }

  byRunnerName(name: string): RunnerRecord | undefined {
    return this.byName.get(name.toLowerCase());
  }

  insert(r: RunnerRecord): void {
    this.runners.set(r.id, r);
    this.byName.set(r.name.toLowerCase(), r);
    this.ordered = undefined;
  }

  remove(r: RunnerRecord): void {
    this.runners.delete(r.id);
    this.byName.delete(r.name.toLowerCase());
    this.ordered = undefined;
  }

  group(id: number): GroupRecord | undefined {
    if (!this.ref.hasGroups) return id === DEFAULT_GROUP_ID ? { id, name: 'Default', isDefault: true } : undefined;
    return this.groups.find((g) => g.id === id);
  }

  groupByName(name: string): GroupRecord | undefined {
    const n = name.toLowerCase();
    return this.groups.find((g) => g.name.toLowerCase() === n);
  }
}

export interface NewRunner {
  name: string;
  os: string;
  arch: string;
  customLabels: string[];
  defaultLabels: boolean;
  status: 'online' | 'offline';
  busy: boolean;
  ephemeral: boolean;
  jit: boolean;
  groupId: number;
  workFolder: string;
  version?: string | null;
}

/** All mutable runner state of one emulator. */
export class Store {
  readonly scopes = new Map<string, ScopeState>();
  readonly runnersById = new Map<number, RunnerRecord>();
  private nextRunnerId = 1;
  private nextGroupId = 2;
  private nextLabelId = 1;
  private readonly labelIds = new Map<string, number>();

  private nextEnterpriseId = 1;
  private readonly enterprisesById = new Map<number, ScopeState>();

  addScope(ref: EmulatedScope): ScopeState {
    let s = this.scopes.get(ref.key);
    if (!s) {
      s = new ScopeState(ref);
      this.scopes.set(ref.key, s);
      if (ref.kind === 'enterprise') {
        s.enterpriseId = this.nextEnterpriseId++;
        this.enterprisesById.set(s.enterpriseId, s);
      }
    }
    return s;
  }

  /** The scope of a key; `enterprise:42` also finds the enterprise whose id is 42. */
  scope(key: string): ScopeState | undefined {
    const k = key.toLowerCase();
    const found = this.scopes.get(k);
    if (found) return found;
    const id = /^enterprise:(\d+)$/.exec(k);
    return id ? this.enterprisesById.get(Number(id[1])) : undefined;
  }

  addGroup(scope: ScopeState, name: string, id?: number): GroupRecord {
    if (!scope.ref.hasGroups)
      throw new Error(`Runner group '${name}': ${scope.ref.ref} has no runner groups; use an org or enterprise scope`);
    if (scope.groupByName(name)) throw new Error(`Runner group '${name}' already exists in ${scope.ref.ref}`);
    const gid = id ?? this.nextGroupId;
    if (scope.group(gid)) throw new Error(`Runner group id ${gid} already exists in ${scope.ref.ref}`);
    this.nextGroupId = Math.max(this.nextGroupId, gid + 1);
    const g = { id: gid, name, isDefault: false };
    scope.groups.push(g);
    return g;
  }

  /** Label ids are global per name, as GitHub's examples show (`self-hosted` is id 5 everywhere). */
  label(name: string, type: RunnerLabel['type']): RunnerLabel {
    const key = name.toLowerCase();
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.nextLabelId++;
      this.labelIds.set(key, id);
    }
    return { id, name, type };
  }

  /** Adds custom labels that are not present yet (case-insensitively). */
  addCustomLabels(r: RunnerRecord, names: string[]): void {
    for (const name of names) {
      if (!r.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) r.labels.push(this.label(name, 'custom'));
    }
  }

  buildLabels(os: string, arch: string, defaults: boolean, custom: string[], jit: boolean): RunnerLabel[] {
    const labels: RunnerLabel[] = [];
    const has = (n: string) => labels.some((l) => l.name.toLowerCase() === n.toLowerCase());
    if (defaults) for (const n of defaultLabelNames(os, arch)) labels.push(this.label(n, 'read-only'));
    for (const n of custom) {
      if (has(n)) continue;
      // A JIT request names all labels; GitHub keeps its default names read-only.
      labels.push(this.label(n, jit && isDefaultLabelName(n) ? 'read-only' : 'custom'));
    }
    return labels;
  }

  createRunner(scope: ScopeState, n: NewRunner): RunnerRecord {
    if (scope.byRunnerName(n.name)) throw new Error(`A runner named '${n.name}' already exists in ${scope.ref.ref}`);
    const r: RunnerRecord = {
      id: this.nextRunnerId++,
      name: n.name,
      os: n.os,
      arch: n.arch,
      status: n.status,
      busy: n.busy,
      labels: this.buildLabels(n.os, n.arch, n.defaultLabels, n.customLabels, n.jit),
      scope,
      ephemeral: n.ephemeral,
      jit: n.jit,
      groupId: n.groupId,
      version: n.version ?? null,
      secret: hexSecret(),
      clientId: uuid(),
      workFolder: n.workFolder,
    };
    scope.insert(r);
    this.runnersById.set(r.id, r);
    return r;
  }

  deleteRunner(r: RunnerRecord): void {
    r.scope.remove(r);
    this.runnersById.delete(r.id);
  }
}

/**
 * The REST representation (`#/components/schemas/runner`); `legacy`: the GHES reference's shape,
 * `id`, `name`, `os`, `status`, `busy` and `labels` only.
 */
export function runnerJson(r: RunnerRecord, legacy = false): Record<string, unknown> {
  const labels = r.labels.map((l) => ({ ...l }));
  if (legacy) return { id: r.id, name: r.name, os: r.os, status: r.status, busy: r.busy, labels };
  return {
    id: r.id,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    ephemeral: r.ephemeral,
    runner_group_id: r.groupId,
    version: r.version,
    labels,
  };
}

export function emulatedRunner(r: RunnerRecord): EmulatedRunner {
  return {
    id: r.id,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    labels: r.labels.map((l) => ({ ...l })),
    scope: r.scope.ref.ref,
    ephemeral: r.ephemeral,
    jit: r.jit,
    runnerGroupId: r.groupId,
    version: r.version,
  };
}
