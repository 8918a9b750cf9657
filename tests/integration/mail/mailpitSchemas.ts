import fs from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validators for Mailpit API responses built from Mailpit's own swagger (OpenAPI 2.0, MIT; a copy of
 * `server/ui/api/v1/swagger.json` sits next to this file). `#/definitions/...` references resolve because
 * every compiled schema carries the swagger's `definitions`; `#/responses/...` are looked up here.
 *
 * Swagger marks no field required and allows extra fields, so a loose check alone would pass `{}`. The strict
 * variant also requires every documented property and forbids undocumented ones, proving the capture returns
 * exactly Mailpit's shape.
 */
type Schema = Record<string, unknown>;

const swagger = JSON.parse(fs.readFileSync(new URL('./mailpit-swagger.json', import.meta.url), 'utf8')) as {
  definitions: Record<string, Schema>;
  responses: Record<string, { schema?: Schema }>;
};

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true });
  ajv.addVocabulary(['x-go-package', 'x-go-name', 'example']);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('uint64', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  return ajv;
}

/** Every object with `properties` gets all of them required and no others allowed. */
function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) out[k] = strictify(v);
  if (out.type === 'object' && typeof out.properties === 'object' && out.properties !== null) {
    out.required = Object.keys(out.properties as Schema);
    out.additionalProperties = false;
  }
  return out;
}

function compile(ajv: Ajv, schema: Schema, definitions: Record<string, Schema>): ValidateFunction {
  return ajv.compile({ ...schema, definitions });
}

export interface MailpitValidators {
  loose: ValidateFunction;
  strict: ValidateFunction;
}

/** Validators for a named response of the swagger (`MessagesSummaryResponse`, `MessageHeadersResponse`, …). */
export function responseValidators(name: string): MailpitValidators {
  const schema = swagger.responses[name]?.schema;
  if (!schema) throw new Error(`No response ${name} in the swagger`);
  return {
    loose: compile(makeAjv(), schema, swagger.definitions),
    strict: compile(makeAjv(), strictify(schema) as Schema, strictify(swagger.definitions) as Record<string, Schema>),
  };
}

/** Validators for a definition (`Message`, `MessageSummary`, …). */
export function definitionValidators(name: string): MailpitValidators {
  return {
    loose: compile(makeAjv(), { $ref: `#/definitions/${name}` }, swagger.definitions),
    strict: compile(makeAjv(), { $ref: `#/definitions/${name}` }, strictify(swagger.definitions) as Record<string, Schema>),
  };
}

/** The response schema of an operation (`GET /api/v1/messages` → its 200 response name). */
export function responseNameOf(method: string, path: string, status = '200'): string {
  const doc = JSON.parse(fs.readFileSync(new URL('./mailpit-swagger.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
  };
  const ref = doc.paths[path]?.[method.toLowerCase()]?.responses[status]?.$ref;
  if (!ref?.startsWith('#/responses/')) throw new Error(`${method} ${path} has no ${status} response reference`);
  return ref.slice('#/responses/'.length);
}

export function errorsText(v: ValidateFunction): string {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}
