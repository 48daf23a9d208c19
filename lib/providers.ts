import { IConstruct } from 'constructs';
import { Aspects, ExternalProvider, IAspect, NullProvider, TerraformStack } from './cdktf';

/** The provider local names the constructs use, and how to add a default configuration for each. */
const NEEDED: ReadonlyArray<{ readonly type: string; readonly id: string; readonly add: (stack: TerraformStack, id: string) => void }> = [
  {
    type: 'null',
    id: 'GitHubRunnersNullProvider',
    add: (s, id) => {
      new NullProvider(s, id);
    },
  },
  {
    type: 'external',
    id: 'GitHubRunnersExternalProvider',
    add: (s, id) => {
      new ExternalProvider(s, id);
    },
  },
];

/**
 * The provider local names that already have a default (unaliased) configuration in the stack.
 * Read from what each provider synthesizes, not from its class: a user's provider may come from
 * another copy or version of the provider package, or be written on the core API, and
 * `instanceof` sees none of those.
 */
export function defaultProviderConfigs(stack: TerraformStack): Set<string> {
  const found = new Set<string>();
  for (const c of stack.node.findAll()) {
    const el = c as unknown as {
      terraformProviderSource?: unknown;
      terraformResourceType?: unknown;
      toTerraform?: () => { provider?: Record<string, unknown> } | undefined;
    };
    // Only providers carry terraformProviderSource (possibly undefined), so resources are never synthesized twice here.
    if (!('terraformProviderSource' in el) || typeof el.terraformResourceType !== 'string' || typeof el.toTerraform !== 'function')
      continue;
    const blocks = el.toTerraform()?.provider ?? {};
    for (const [type, configs] of Object.entries(blocks)) {
      const list: unknown[] = Array.isArray(configs) ? configs : [configs];
      if (list.some((cfg) => cfg === null || typeof cfg !== 'object' || (cfg as { alias?: unknown }).alias === undefined)) found.add(type);
    }
  }
  return found;
}

/**
 * Adds the null and external providers' default configurations at synth time, only where the
 * stack has none: Terraform accepts one default configuration per provider next to any number
 * of aliased ones, and the constructs' resources use the default. Deciding at synth time (an
 * aspect) sees providers the app declares after the runner constructs.
 */
class EnsureProviders implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const present = defaultProviderConfigs(this.stack);
    for (const need of NEEDED) {
      if (!present.has(need.type) && this.stack.node.tryFindChild(need.id) === undefined) need.add(this.stack, need.id);
    }
  }
}

export function ensureProvidersAtSynth(stack: TerraformStack): void {
  Aspects.of(stack).add(new EnsureProviders(stack));
}
