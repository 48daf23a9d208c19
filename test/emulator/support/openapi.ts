import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates answers against GitHub's own OpenAPI descriptions (npm @octokit/openapi): finds the
 * operation by method and path template, takes the response schema of the returned status,
 * resolves `$ref`s through the document's components (added to ajv under an `$id`), and lets
 * ajv apply OpenAPI 3.0's `nullable`. Each description is parsed once per test file.
 */

export type SpecName = 'ghes-3.19' | 'api.github.com' | 'ghec';

const SPEC_DIR = path.join(__dirname, '..', '..', '..', 'node_modules', '@octokit', 'openapi', 'generated');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  literals: number;
  responses: Record<string, unknown>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class OpenApiSpec {
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly ops: Operation[] = [];
  private readonly components: { responses?: Record<string, Json> };
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly name: SpecName) {
    const doc = JSON.parse(fs.readFileSync(path.join(SPEC_DIR, `${name}.json`), 'utf8'));
    this.id = `https://openapi.invalid/${name}.json`;
    this.components = doc.components;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: this.id, components: doc.components });
    for (const [template, item] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(doc.paths)) {
      const segs = template.split('/');
      const regex = new RegExp(`^${segs.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : escape(s))).join('/')}$`);
      const literals = segs.filter((s) => s && !s.startsWith('{')).length;
      for (const method of METHODS) {
        if (item[method]) this.ops.push({ method: method.toUpperCase(), template, regex, literals, responses: item[method].responses });
      }
    }
  }

  /** The operation a concrete request path hits; literal segments win over parameters. */
  operation(method: string, concretePath: string): Operation | undefined {
    const p = concretePath.split('?')[0].replace(/^\/api\/v3(?=\/)/, '');
    return this.ops.filter((o) => o.method === method.toUpperCase() && o.regex.test(p)).sort((a, b) => b.literals - a.literals)[0];
  }

  hasOperation(method: string, concretePath: string): boolean {
    return this.operation(method, concretePath) !== undefined;
  }

  /**
   * Throws unless `body` is what the description documents for this status. Statuses a
   * description leaves out (401, 403, 404 on most runner routes) must still be GitHub's
   * basic-error shape with a message; an undocumented success status fails.
   */
  validate(method: string, concretePath: string, status: number, body: unknown): void {
    const op = this.operation(method, concretePath);
    const where = `${this.name}: ${method} ${op?.template ?? concretePath} -> ${status}`;
    let response = op?.responses[String(status)] as { $ref?: string; content?: Record<string, { schema?: Json }> } | undefined;
    if (response?.$ref) response = this.components.responses?.[response.$ref.split('/').pop()!] as typeof response;
    let key: string;
    let schema: Json | undefined;
    if (response) {
      key = `${op!.method} ${op!.template} ${status}`;
      schema = response.content?.['application/json']?.schema;
      if (!schema) {
        if (body !== undefined && body !== '')
          throw new Error(`${where}: the description documents no body, but the answer has one: ${JSON.stringify(body).slice(0, 200)}`);
        return;
      }
    } else if (status >= 400) {
      key = 'basic-error';
      schema = {
        allOf: [
          { $ref: '#/components/schemas/basic-error' },
          { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
        ],
      };
    } else {
      throw new Error(`${where}: ${op ? 'status not documented for this operation' : 'no such operation in the description'}`);
    }
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.rebase(schema) as object);
      this.cache.set(key, validate);
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      throw new Error(`${where}: answer does not match the schema: ${errors}\nbody: ${JSON.stringify(body).slice(0, 500)}`);
    }
  }

  /** Points local `#/components/...` refs at the components added under this description's `$id`. */
  private rebase(s: Json): Json {
    if (Array.isArray(s)) return s.map((x) => this.rebase(x));
    if (s && typeof s === 'object') {
      const out: { [k: string]: Json } = {};
      for (const [k, v] of Object.entries(s))
        out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${this.id}${v}` : this.rebase(v);
      return out;
    }
    return s;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const loaded = new Map<SpecName, OpenApiSpec>();

/** Each description is parsed once per test file (jest isolates module registries per file). */
export function spec(name: SpecName): OpenApiSpec {
  let s = loaded.get(name);
  if (!s) {
    s = new OpenApiSpec(name);
    loaded.set(name, s);
  }
  return s;
}

/**
 * The descriptions an answer must satisfy: GHES 3.19 for every scope, plus api.github.com for
 * org/repo (and /app) paths, and GHEC for enterprise paths (absent from api.github.com).
 */
export function specsFor(concretePath: string): OpenApiSpec[] {
  const p = concretePath.split('?')[0].replace(/^\/api\/v3(?=\/)/, '');
  return [spec('ghes-3.19'), spec(p.startsWith('/enterprises/') ? 'ghec' : 'api.github.com')];
}
