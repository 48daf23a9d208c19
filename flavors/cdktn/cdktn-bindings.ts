/**
 * hashicorp/null and hashicorp/external bindings on cdktn's core API, written by hand: only the
 * attributes the constructs use (null_resource.triggers; external's program, query, working_dir
 * and result) and the providers' (empty) configurations. See docs/decisions.md.
 */
import { Construct } from 'constructs';
import { StringMap, TerraformDataSource, TerraformMetaArguments, TerraformProvider, TerraformResource } from 'cdktn';

const NULL_META = { providerName: 'null', providerVersion: '3.2.4', providerVersionConstraint: '~> 3.0' };
const EXTERNAL_META = { providerName: 'external', providerVersion: '2.3.5', providerVersionConstraint: '~> 2.1' };

/** Props of {@link NullProvider}. */
export interface NullProviderConfig {
  /** @default - the default configuration */
  readonly alias?: string;
}

/** The hashicorp/null provider's configuration. */
export class NullProvider extends TerraformProvider {
  private readonly providerAlias?: string;

  constructor(scope: Construct, id: string, config: NullProviderConfig = {}) {
    super(scope, id, { terraformResourceType: 'null', terraformGeneratorMetadata: NULL_META, terraformProviderSource: 'null' });
    this.providerAlias = config.alias;
  }

  public get alias(): string | undefined {
    return this.providerAlias;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature, overridden
  protected synthesizeAttributes(): { [name: string]: any } {
    return { alias: this.providerAlias };
  }
}

/** Props of {@link ExternalProvider}. */
export interface ExternalProviderConfig {
  /** @default - the default configuration */
  readonly alias?: string;
}

/** The hashicorp/external provider's configuration. */
export class ExternalProvider extends TerraformProvider {
  private readonly providerAlias?: string;

  constructor(scope: Construct, id: string, config: ExternalProviderConfig = {}) {
    super(scope, id, { terraformResourceType: 'external', terraformGeneratorMetadata: EXTERNAL_META, terraformProviderSource: 'external' });
    this.providerAlias = config.alias;
  }

  public get alias(): string | undefined {
    return this.providerAlias;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature, overridden
  protected synthesizeAttributes(): { [name: string]: any } {
    return { alias: this.providerAlias };
  }
}

/** Props of {@link NullResource}. */
export interface NullResourceConfig extends TerraformMetaArguments {
  /** @default - none */
  readonly triggers?: Record<string, string>;
}

/** A `null_resource`. */
export class NullResource extends TerraformResource {
  private readonly triggerValues?: Record<string, string>;

  constructor(scope: Construct, id: string, config: NullResourceConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'null_resource',
      terraformGeneratorMetadata: NULL_META,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.triggerValues = config.triggers;
  }

  public get id(): string {
    return this.getStringAttribute('id');
  }

  public get triggers(): Record<string, string> {
    return this.getStringMapAttribute('triggers');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature, overridden
  protected synthesizeAttributes(): { [name: string]: any } {
    // Passed as given: the value may be a token (a Lazy), which synthesis resolves.
    return { triggers: this.triggerValues };
  }
}

/** Props of {@link DataExternal}. */
export interface DataExternalConfig extends TerraformMetaArguments {
  /** The command and its arguments. */
  readonly program: string[];
  /** @default - an empty query */
  readonly query?: Record<string, string>;
  /** @default - Terraform's working directory */
  readonly workingDir?: string;
}

/** An `external` data source. */
export class DataExternal extends TerraformDataSource {
  /** The program's answer: a map of strings. */
  public readonly result: StringMap;
  private readonly program: string[];
  private readonly workingDir?: string;
  private queryValue?: Record<string, string>;

  constructor(scope: Construct, id: string, config: DataExternalConfig) {
    super(scope, id, {
      terraformResourceType: 'external',
      terraformGeneratorMetadata: EXTERNAL_META,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
    });
    this.program = config.program;
    this.workingDir = config.workingDir;
    this.queryValue = config.query;
    this.result = new StringMap(this, 'result');
  }

  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The query as configured (may hold tokens). */
  public get queryInput(): Record<string, string> | undefined {
    return this.queryValue;
  }

  public get query(): Record<string, string> {
    return this.getStringMapAttribute('query');
  }

  public set query(value: Record<string, string>) {
    this.queryValue = value;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature, overridden
  protected synthesizeAttributes(): { [name: string]: any } {
    return { program: this.program, query: this.queryValue, working_dir: this.workingDir };
  }
}
