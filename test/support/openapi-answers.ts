import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Holds real HTTP answers to an OpenAPI 3.0 document: each answer's status must be documented for its
 * operation, its media type must be one the document names (or no body where it names none), its
 * documented headers present, and its body valid against the documented schema (ajv, which knows
 * OpenAPI's `nullable`; `example` is accepted as an annotation). Objects are checked closed: a property
 * the document does not name fails, so the document names exactly what the service answers.
 * Remembers which documented answers were checked, so a test can require that none went unchecked.
 */

/** An HTTP answer as read off the wire. */
export interface Answer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
}

export interface DocumentedOperation {
  operationId: string;
  method: string;
  /** The path as served (server prefix included), in OpenAPI's template form: /api/claims/{id}/retry */
  path: string;
  responses: Record<string, any>;
}

type Doc = { servers?: Array<{ url: string }>; paths: Record<string, any>; components: { schemas: Record<string, unknown>; responses: Record<string, any> } };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const COMPONENTS_ID = 'openapi-components';

/** Every operation of the document, with the path a client requests (its servers' path prefix joined). */
export function operationsOf(doc: Doc): DocumentedOperation[] {
  const prefix = (servers?: Array<{ url: string }>) => (servers?.[0]?.url ?? '').replace(/\/$/, '');
  return Object.entries(doc.paths).flatMap(([key, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      operationId: item[m].operationId,
      method: m.toUpperCase(),
      path: `${prefix(item.servers ?? doc.servers)}${key}`,
      responses: item[m].responses,
    })),
  );
}

/** A deep copy of a schema with refs pointed at the components schema, and every object with properties closed. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', `${COMPONENTS_ID}#/definitions/`);
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, strict(s)]));
    else out[k] = strict(v);
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

const mediaTypeOf = (answer: Answer) => (answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

export class DocumentedAnswers {
  private readonly ajv = new Ajv({ strict: true, allErrors: true });
  private readonly operations: Map<string, DocumentedOperation>;
  private readonly validators = new Map<string, ValidateFunction>();
  /** `operationId status` of every answer checked. */
  readonly checked = new Set<string>();

  constructor(private readonly doc: Doc) {
    this.ajv.addVocabulary(['example']);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS_ID, definitions: strict(doc.components.schemas) as object });
    this.operations = new Map(operationsOf(doc).map((op) => [op.operationId, op]));
  }

  operation(operationId: string): DocumentedOperation {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the document`);
    return op;
  }

  /** Every documented answer as `operationId status` (status as the document writes it, e.g. 404 or default). */
  documented(): string[] {
    return [...this.operations.values()].flatMap((op) => Object.keys(op.responses).map((status) => `${op.operationId} ${status}`));
  }

  /** Throws, naming every mismatch, unless `answer` is one the document gives for `operationId`. */
  check(operationId: string, answer: Answer): void {
    const op = this.operation(operationId);
    const key = String(answer.status) in op.responses ? String(answer.status) : 'default';
    const documented = op.responses[key];
    const where = `${operationId} (${op.method} ${op.path}) answered ${answer.status}`;
    if (!documented) throw new Error(`${where}, which the document does not list (it lists ${Object.keys(op.responses).join(', ')})`);
    const response = documented.$ref ? this.doc.components.responses[documented.$ref.split('/').pop()] : documented;

    for (const [name, header] of Object.entries<any>(response.headers ?? {})) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) throw new Error(`${where} without its documented ${name} header`);
      this.validate(`${operationId} ${key} header ${name}`, header.schema, value, where);
    }
    const content: Record<string, { schema: unknown }> | undefined = response.content;
    if (!content) {
      if (answer.text !== '') throw new Error(`${where} with a body, where the document gives none: ${answer.text.slice(0, 200)}`);
    } else {
      const mediaType = mediaTypeOf(answer);
      const media = content[mediaType];
      if (!media) throw new Error(`${where} as ${mediaType || 'no content type'}; the document gives ${Object.keys(content).join(', ')}`);
      let body: unknown = answer.text;
      if (mediaType === 'application/json') {
        try {
          body = JSON.parse(answer.text);
        } catch {
          throw new Error(`${where} with a body that is not JSON: ${answer.text.slice(0, 200)}`);
        }
      }
      this.validate(`${operationId} ${key} ${mediaType}`, media.schema, body, where);
    }
    this.checked.add(`${operationId} ${key}`);
  }

  private validate(id: string, schema: unknown, value: unknown, where: string): void {
    let validate = this.validators.get(id);
    if (!validate) {
      validate = this.ajv.compile(strict(schema) as object);
      this.validators.set(id, validate);
    }
    if (!validate(value)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      throw new Error(`${where}, not as documented:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(value).slice(0, 500)}`);
    }
  }
}
