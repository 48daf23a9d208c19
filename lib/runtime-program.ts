import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { CONTRACT_VERSION, QueryKey } from './contract';
import { AssetType, DataExternal, TerraformAsset, TerraformStack } from './cdktf';
import { Connection, connectionQuery } from './connection-props';
import { ensureProvidersAtSynth } from './providers';
import { ScopeRef, scopeQuery } from './runner-scope';

/** The bundled runtime: dist/runtime/runtime.js, whether this file runs from lib/ or dist/. */
export const RUNTIME_BUNDLE = path.resolve(__dirname, '..', 'dist', 'runtime', 'runtime.js');

const SINGLETON_ID = 'GitHubRunnersRuntime';

/**
 * The runtime program shipped into the stack's output as a TerraformAsset, so the synthesized
 * stack applies from any machine with node and terraform. One per stack.
 */
export class RuntimeProgram extends Construct {
  public static of(scope: Construct): RuntimeProgram {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    return existing instanceof RuntimeProgram ? existing : new RuntimeProgram(stack, SINGLETON_ID);
  }

  /** Path of the program relative to the stack directory, where Terraform runs. */
  public readonly path: string;

  private constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    if (!fs.existsSync(RUNTIME_BUNDLE)) {
      throw new Error(`the runtime bundle ${RUNTIME_BUNDLE} is missing: run "npm run build" in cdktf-github-runners`);
    }
    const asset = new TerraformAsset(this, 'Bundle', { path: RUNTIME_BUNDLE, type: AssetType.FILE });
    this.path = asset.path;
    ensureProvidersAtSynth(stack);
  }

  /** An `external` data source running the program with the given query. */
  public dataSource(scope: Construct, id: string, conn: Connection, target: ScopeRef, query: Record<string, string>): DataExternal {
    return new DataExternal(scope, id, {
      program: ['node', this.path, 'data'],
      query: {
        [QueryKey.CONTRACT_VERSION]: CONTRACT_VERSION,
        ...connectionQuery(conn),
        ...scopeQuery(target),
        ...query,
      },
    });
  }

  /**
   * A shell command line running a provisioner subcommand. Arguments are passed as environment
   * variables named in `env`, expanded by the shell inside double quotes, so no value is ever
   * parsed as shell syntax or Terraform template syntax.
   */
  public command(subcommand: string, flags: Record<string, string>): { command: string; environment: Record<string, string> } {
    const parts = [`node '${this.path}' ${subcommand}`];
    const environment: Record<string, string> = {};
    for (const [flag, value] of Object.entries(flags)) {
      const name = `CGR_${flag.replace(/-/g, '_').toUpperCase()}`;
      environment[name] = value;
      parts.push(`--${flag} "$${name}"`);
    }
    return { command: parts.join(' '), environment };
  }
}
