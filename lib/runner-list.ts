import { Construct } from 'constructs';
import { DataOperation, QueryKey, RunnersResult } from './contract';
import { DataExternal, Fn, Token } from './cdktf';
import { ConnectionProps, resolveConnection } from './connection-props';
import { RuntimeProgram } from './runtime-program';
import { ScopeProps, scopeFromProps } from './runner-scope';
import { checkedAt, joinList, validateRunnersFilter } from './validation';

/** Props of {@link Runners}. */
export interface RunnersProps extends ScopeProps, ConnectionProps {
  /**
   * Only the runner with exactly this name.
   * @default - all runners
   */
  readonly name?: string;
  /**
   * Only runners carrying all of these labels.
   * @default - no label filter
   */
  readonly labels?: string[];
}

/** The self-hosted runners of a scope, read at every plan. */
export class Runners extends Construct {
  /** How many runners matched. */
  public readonly count: number;
  /** Their ids. */
  public readonly ids: string[];
  /** Their names. */
  public readonly names: string[];
  /** JSON array of `{id, name, os, status, busy, labels}`. */
  public readonly runnersJson: string;
  /** The underlying `external` data source. */
  public readonly dataSource: DataExternal;

  constructor(scope: Construct, id: string, props: RunnersProps) {
    super(scope, id);
    const target = checkedAt(this, () => {
      validateRunnersFilter(props);
      return scopeFromProps(props, 'Runners');
    });
    const conn = resolveConnection(props);
    const query: Record<string, string> = { [QueryKey.OPERATION]: DataOperation.RUNNERS };
    if (props.name !== undefined) query[QueryKey.NAME] = props.name;
    if (props.labels !== undefined) query[QueryKey.LABELS] = joinList(props.labels);
    this.dataSource = RuntimeProgram.of(this).dataSource(this, 'Runners', conn, target, query);
    const result = this.dataSource.result;
    this.count = Token.asNumber(Fn.tonumber(result.lookup(RunnersResult.COUNT)));
    this.ids = Fn.compact(Fn.split(',', result.lookup(RunnersResult.IDS)));
    this.names = Fn.compact(Fn.split(',', result.lookup(RunnersResult.NAMES)));
    this.runnersJson = result.lookup(RunnersResult.RUNNERS_JSON);
  }
}
