/**
 * Keeps openapi.yaml in step with the router and the request schemas of
 * -common. No server is started: the router (router.ts and the route files it
 * registers) is read as text, the schemas are compared through zod's public API.
 */
import {
  ACTION_ITEM_PRIORITIES,
  ACTION_ITEM_STATES,
  ACTION_ITEM_STATUSES,
  addShadowSchema,
  assignRoleSchema,
  createActionItemSchema,
  createRunbookSchema,
  declareIncidentSchema,
  DEFAULT_PAGE_SIZE,
  DRILL_KINDS,
  DRILL_OUTCOMES,
  findActionItemsQuerySchema,
  followThroughQuerySchema,
  HYPOTHESIS_STATUSES,
  hypothesisSchema,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  linkRepeatSchema,
  listIncidentsQuerySchema,
  listPostmortemsQuerySchema,
  listRunbooksQuerySchema,
  MANUAL_TIMELINE_TYPES,
  MAX_PAGE_SIZE,
  metricsQuerySchema,
  overduePostmortemsQuerySchema,
  pageQuerySchema,
  peerFeedbackSurveySchema,
  POSTMORTEM_DEADLINE_STATES,
  POSTMORTEM_KINDS,
  POSTMORTEM_STATUSES,
  POSTMORTEM_VISIBILITIES,
  putPostmortemSchema,
  recordDrillSchema,
  resolveHypothesisSchema,
  RUNBOOK_ADHERENCE,
  RUNBOOK_FRESHNESS_STATUSES,
  RUNBOOK_SECTIONS,
  runbookUsageSchema,
  SEVERITIES,
  STATUS_UPDATE_AUDIENCES,
  statusUpdateSchema,
  TIMELINE_EVENT_TYPES,
  timelineEntrySchema,
  transitionSchema,
  updateActionItemSchema,
  updateIncidentSchema,
  updateRunbookSchema,
} from '@majorops/plugin-majorops-common';
import fs from 'fs';
import path from 'path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { liftSuspensionSchema, recordTrainingSchema, suspendResponderSchema } from '../reputation/reputationSchemas';
import { acceptSuggestionSchema, draftSuggestionSchema, suggestionMetricsQuerySchema } from '../suggestions/suggestionSchemas';

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const SPEC_PATH = path.join(PACKAGE_DIR, 'openapi.yaml');
/** router.ts and the files whose routes it registers (`addPostmortemRoutes(router, …)`). */
const ROUTE_FILES = ['src/service/router.ts', 'src/service/postmortemRoutes.ts', 'src/surveys/surveyRoutes.ts', 'src/reputation/reputationRoutes.ts', 'src/suggestions/suggestionRoutes.ts'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = any;

const spec: Json = parseYaml(fs.readFileSync(SPEC_PATH, 'utf8'));
const routeSources = ROUTE_FILES.map(file => ({
  file,
  source: fs.readFileSync(path.join(PACKAGE_DIR, file), 'utf8'),
}));
const packageJson = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));

interface Route {
  method: string;
  /** Express path with `:param` turned into `{param}`. */
  path: string;
  /** The handler's source, up to the next registration in the same file. */
  source: string;
  /** The file that registers it. */
  file: string;
}

/** Every `router.<method>('<path>'` registration in the route files. */
function routerRoutes(): Route[] {
  const pattern = /router\.(get|post|put|patch|delete|head|options|all)\(\s*(['"`])([^'"`]+)\2/g;
  return routeSources.flatMap(({ file, source }) => {
    const matches = [...source.matchAll(pattern)];
    return matches.map((match, i) => ({
      method: match[1],
      path: match[3].replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'),
      source: source.slice(match.index, matches[i + 1]?.index ?? source.length),
      file,
    }));
  });
}

interface Operation {
  method: string;
  path: string;
  pathItem: Json;
  op: Json;
}

function specOperations(): Operation[] {
  return Object.entries<Json>(spec.paths ?? {}).flatMap(([p, pathItem]) =>
    HTTP_METHODS.filter(m => pathItem[m]).map(m => ({ method: m, path: p, pathItem, op: pathItem[m] })),
  );
}

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

/** Resolves a local JSON pointer such as `#/components/schemas/Incident`. */
function resolvePointer(ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json = spec;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

/** Follows `$ref`s until a concrete object. */
function deref(node: Json): Json {
  let current = node;
  for (let i = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; i++) {
    if (i > 20) throw new Error(`$ref cycle at ${node.$ref}`);
    current = resolvePointer(current.$ref);
  }
  return current;
}

/** Every `$ref` in the document, with where it occurs. */
function allRefs(): Array<{ at: string; ref: Json; siblings: string[] }> {
  const out: Array<{ at: string; ref: Json; siblings: string[] }> = [];
  const walk = (node: Json, at: string) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${at}/${i}`));
    } else if (node && typeof node === 'object') {
      if (Object.hasOwn(node, '$ref')) {
        out.push({ at, ref: node.$ref, siblings: Object.keys(node).filter(k => k !== '$ref') });
      }
      for (const [k, child] of Object.entries(node)) {
        // `example`/`examples` hold literal data, never references.
        if (k !== 'example' && k !== 'examples') walk(child, `${at}/${k}`);
      }
    }
  };
  walk(spec, '#');
  return out;
}

/** The parameters that apply to an operation: path-level ones, overridden by operation-level ones. */
function parametersOf(operation: Operation): Json[] {
  const byKey = new Map<string, Json>();
  for (const raw of [...(operation.pathItem.parameters ?? []), ...(operation.op.parameters ?? [])]) {
    const param = deref(raw);
    if (param) byKey.set(`${param.in}:${param.name}`, param);
  }
  return [...byKey.values()];
}

function setDiff(a: Iterable<string>, b: Set<string>): string[] {
  return [...a].filter(x => !b.has(x)).sort();
}

/** Unwraps optional, nullable and default to the schema underneath. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let inner: z.ZodType = schema;
  let nullable = false;
  for (;;) {
    if (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodNullable) {
      nullable = true;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    else return { inner, nullable };
  }
}

/** Whether an object schema refuses keys it does not know. */
function isStrict(schema: z.ZodType): boolean {
  const result = schema.safeParse({ __openapiProbe__: 1 });
  return !result.success && result.error.issues.some(issue => issue.code === 'unrecognized_keys');
}

/** Compares a zod object schema with a JSON schema, field by field; returns the differences. */
function compareObjectSchema(name: string, zodSchema: z.ZodObject<any>, jsonSchema: Json): string[] {
  const problems: string[] = [];
  const shape: Record<string, z.ZodType> = zodSchema.shape;
  const properties: Record<string, Json> = jsonSchema.properties ?? {};
  const zodKeys = new Set(Object.keys(shape));
  const specKeys = new Set(Object.keys(properties));
  for (const k of setDiff(zodKeys, specKeys)) problems.push(`${name}.${k} is in the zod schema but not documented`);
  for (const k of setDiff(specKeys, zodKeys)) problems.push(`${name}.${k} is documented but not in the zod schema`);

  const zodRequired = new Set([...zodKeys].filter(k => !shape[k].isOptional()));
  const specRequired = new Set<string>(jsonSchema.required ?? []);
  for (const k of setDiff(zodRequired, specRequired)) problems.push(`${name}.${k} is required by zod but not in "required"`);
  for (const k of setDiff(specRequired, zodRequired)) problems.push(`${name}.${k} is in "required" but optional in zod`);

  if (isStrict(zodSchema) !== (jsonSchema.additionalProperties === false)) {
    problems.push(
      `${name}: zod is ${isStrict(zodSchema) ? 'strict' : 'not strict'} but additionalProperties is ${JSON.stringify(
        jsonSchema.additionalProperties,
      )}`,
    );
  }

  for (const k of [...zodKeys].filter(x => specKeys.has(x))) {
    const { inner, nullable } = unwrap(shape[k]);
    const prop = properties[k];
    const target = deref(prop.allOf?.length === 1 ? prop.allOf[0] : prop) ?? {};
    if (nullable !== (prop.nullable === true)) {
      problems.push(`${name}.${k}: nullable is ${nullable} in zod but ${prop.nullable === true} in the document`);
    }
    if (inner instanceof z.ZodString) {
      const expected = { minLength: inner.minLength ?? undefined, maxLength: inner.maxLength ?? undefined };
      const actual = { minLength: target.minLength, maxLength: target.maxLength };
      if (target.type !== 'string') problems.push(`${name}.${k} is a string in zod but ${target.type} in the document`);
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        problems.push(`${name}.${k}: zod has ${JSON.stringify(expected)}, the document ${JSON.stringify(actual)}`);
      }
    } else if (inner instanceof z.ZodEnum) {
      const expected = [...inner.options].map(String);
      if (JSON.stringify(expected) !== JSON.stringify(target.enum)) {
        problems.push(`${name}.${k}: zod enum ${JSON.stringify(expected)}, document ${JSON.stringify(target.enum)}`);
      }
    } else if (inner instanceof z.ZodBoolean) {
      if (target.type !== 'boolean') problems.push(`${name}.${k} is a boolean in zod but ${target.type} in the document`);
    } else if (inner instanceof z.ZodNumber) {
      const expectedType = inner.isInt ? 'integer' : 'number';
      if (target.type !== expectedType) problems.push(`${name}.${k} is ${expectedType} in zod but ${target.type} in the document`);
      const min = inner.minValue ?? undefined;
      if (min !== undefined && min !== Number.MIN_SAFE_INTEGER && target.minimum !== min) {
        problems.push(`${name}.${k}: zod minimum ${min}, document ${target.minimum}`);
      }
    }
  }
  return problems;
}

describe('openapi.yaml', () => {
  const routes = routerRoutes();
  const operations = specOperations();

  it('is an OpenAPI 3.0.3 document for this package, served under /api/majorops', () => {
    expect(spec.openapi).toBe('3.0.3');
    expect(spec.info.title).toBe('MajorOps');
    expect(spec.info.version).toBe(packageJson.version);
    expect(spec.servers).toEqual([expect.objectContaining({ url: '/api/majorops' })]);
  });

  it('finds the routes in router.ts and the route files it registers', () => {
    // Every `router.<method>(` call must have a literal path, or it would be missed here.
    for (const { file, source } of routeSources) {
      const calls = source.match(/router\.(get|post|put|patch|delete|head|options|all)\(/g) ?? [];
      expect({ file, routes: routes.filter(r => r.file === file).length }).toEqual({ file, routes: calls.length });
      expect({ file, hasRoutes: calls.length > 0 }).toEqual({ file, hasRoutes: true });
    }
    // The extra route files only count if router.ts really registers them.
    expect(routeSources[0].source).toMatch(/addPostmortemRoutes\(\s*router\b/);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter(r => r.method === 'all')).toEqual([]);
  });

  it('documents exactly the routes the router defines', () => {
    const inRouter = new Set(routes.map(key));
    const inSpec = new Set(operations.map(key));
    const undocumented = setDiff(inRouter, inSpec);
    const notInRouter = setDiff(inSpec, inRouter);
    const message = [
      undocumented.length ? `Defined in the router but missing from openapi.yaml:\n  ${undocumented.join('\n  ')}` : '',
      notInRouter.length ? `Documented in openapi.yaml but not defined in the router:\n  ${notInRouter.join('\n  ')}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    expect({ undocumented, notInRouter, message }).toEqual({ undocumented: [], notInRouter: [], message: '' });
    // A route registered twice would hide behind the set comparison.
    expect(routes.length).toBe(inRouter.size);
  });

  it('gives every operation a unique operationId and a 2xx response', () => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const operation of operations) {
      const { operationId } = operation.op;
      if (typeof operationId !== 'string' || !operationId) {
        problems.push(`${key(operation)} has no operationId`);
      } else if (seen.has(operationId)) {
        problems.push(`${key(operation)} reuses operationId ${operationId} of ${seen.get(operationId)}`);
      } else {
        seen.set(operationId, key(operation));
      }
      const codes = Object.keys(operation.op.responses ?? {});
      if (!codes.some(code => /^2(\d\d|XX)$/.test(code))) {
        problems.push(`${key(operation)} has no 2xx response (has ${codes.join(', ') || 'none'})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the success status the router sends', () => {
    const problems: string[] = [];
    const byKey = new Map(operations.map(o => [key(o), o]));
    for (const route of routes) {
      const operation = byKey.get(key(route));
      if (!operation) continue; // reported by the route comparison
      // `res.status(created ? 201 : 200)` answers either; `res\n  .status(201)` is still 201.
      const statuses = /res\s*\.status\(\s*\w+\s*\?\s*201\s*:\s*200\s*\)/.test(route.source)
        ? ['200', '201']
        : [/res\s*\.status\(\s*201\s*\)/.test(route.source) ? '201' : '200'];
      const success = Object.keys(operation.op.responses ?? {}).filter(code => code.startsWith('2')).sort();
      if (JSON.stringify(success) !== JSON.stringify(statuses)) {
        problems.push(`${key(route)} answers ${statuses.join(', ')}; the document says ${success.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('resolves every $ref within the document, without siblings that 3.0 would ignore', () => {
    const refs = allRefs();
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter(r => typeof r.ref !== 'string' || resolvePointer(r.ref) === undefined);
    expect(unresolved.map(r => `${r.at}: ${r.ref}`)).toEqual([]);
    const withSiblings = refs.filter(r => r.siblings.length > 0);
    expect(withSiblings.map(r => `${r.at}: $ref with ${r.siblings.join(', ')} (use allOf)`)).toEqual([]);
  });

  it('uses every component it defines', () => {
    const used = new Set(allRefs().map(r => String(r.ref)));
    const unused: string[] = [];
    for (const section of ['schemas', 'parameters', 'responses', 'requestBodies']) {
      for (const name of Object.keys(spec.components?.[section] ?? {})) {
        if (!used.has(`#/components/${section}/${name}`)) unused.push(`${section}/${name}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('declares every path parameter, and only those, as required', () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const inTemplate = new Set([...operation.path.matchAll(/\{([^}]+)\}/g)].map(m => m[1]));
      const params = parametersOf(operation);
      const declared = new Set(params.filter(p => p.in === 'path').map(p => p.name as string));
      for (const name of setDiff(inTemplate, declared)) problems.push(`${key(operation)}: {${name}} is not declared`);
      for (const name of setDiff(declared, inTemplate)) problems.push(`${key(operation)}: path parameter ${name} is not in the path`);
      for (const p of params.filter(x => x.in === 'path' && x.required !== true)) {
        problems.push(`${key(operation)}: path parameter ${p.name} must be required: true`);
      }
      for (const p of params.filter(x => !x.schema)) {
        problems.push(`${key(operation)}: parameter ${p.name} has no schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('requires a bearer token everywhere except /health, and documents the error responses', () => {
    expect(spec.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(spec.security).toEqual([{ bearerAuth: [] }]);
    const problems: string[] = [];
    for (const operation of operations) {
      const codes = Object.keys(operation.op.responses ?? {});
      const hasInput = parametersOf(operation).length > 0 || Boolean(operation.op.requestBody);
      if (operation.path === '/health') {
        if (JSON.stringify(operation.op.security) !== '[]') problems.push(`${key(operation)} must have security: []`);
        continue;
      }
      if (operation.op.security !== undefined) problems.push(`${key(operation)} overrides the global security`);
      for (const code of ['401', '403']) {
        if (!codes.includes(code)) problems.push(`${key(operation)} does not document ${code}`);
      }
      if (hasInput && !codes.includes('400')) problems.push(`${key(operation)} takes input but does not document 400`);
      if (operation.path.includes('{id}') && !codes.includes('404')) {
        problems.push(`${key(operation)} reads an incident but does not document 404`);
      }
      for (const code of codes.filter(c => /^[45]/.test(c))) {
        const schema = deref(operation.op.responses[code])?.content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Error') {
          problems.push(`${key(operation)} ${code} does not use the Error schema`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses Backstage error bodies', () => {
    const error = spec.components.schemas.Error;
    expect(Object.keys(error.properties)).toEqual(['error', 'request', 'response']);
    expect(error.properties.error.required).toEqual(['name', 'message']);
    expect(error.properties.request.required).toEqual(['method', 'url']);
    expect(error.properties.response.required).toEqual(['statusCode']);
  });

  it('lists the enums of -common', () => {
    const schemas = spec.components.schemas;
    expect(schemas.Severity.enum).toEqual([...SEVERITIES]);
    expect(schemas.IncidentStatus.enum).toEqual([...INCIDENT_STATUSES]);
    expect(schemas.IncidentRole.enum).toEqual([...INCIDENT_ROLES]);
    expect(schemas.TimelineEventType.enum).toEqual([...TIMELINE_EVENT_TYPES]);
    expect(schemas.ManualTimelineType.enum).toEqual([...MANUAL_TIMELINE_TYPES]);
    expect(schemas.StatusUpdateAudience.enum).toEqual([...STATUS_UPDATE_AUDIENCES]);
    expect(schemas.HypothesisStatus.enum).toEqual([...HYPOTHESIS_STATUSES]);
    expect(schemas.RunbookFreshnessStatus.enum).toEqual([...RUNBOOK_FRESHNESS_STATUSES]);
    expect(schemas.RunbookSection.enum).toEqual([...RUNBOOK_SECTIONS]);
    expect(schemas.DrillKind.enum).toEqual([...DRILL_KINDS]);
    expect(schemas.DrillOutcome.enum).toEqual([...DRILL_OUTCOMES]);
    expect(schemas.PostmortemStatus.enum).toEqual([...POSTMORTEM_STATUSES]);
    expect(schemas.PostmortemKind.enum).toEqual([...POSTMORTEM_KINDS]);
    expect(schemas.PostmortemVisibility.enum).toEqual([...POSTMORTEM_VISIBILITIES]);
    expect(schemas.PostmortemDeadlineState.enum).toEqual([...POSTMORTEM_DEADLINE_STATES]);
    expect(schemas.ActionItemPriority.enum).toEqual([...ACTION_ITEM_PRIORITIES]);
    expect(schemas.ActionItemStatus.enum).toEqual([...ACTION_ITEM_STATUSES]);
    expect(schemas.ActionItemState.enum).toEqual([...ACTION_ITEM_STATES]);
    expect(schemas.RunbookAdherence.enum).toEqual([...RUNBOOK_ADHERENCE]);
    expect(Object.keys(schemas.SeverityMatrix.properties)).toEqual([...SEVERITIES]);
    expect(Object.keys(schemas.SeverityCounts.properties)).toEqual([...SEVERITIES]);
    expect(Object.keys(schemas.ResponderParticipation.properties.rolesHeld.properties)).toEqual([...INCIDENT_ROLES]);

    const listIncidents = operations.find(o => o.op.operationId === 'listIncidents')!;
    const status = parametersOf(listIncidents).find(p => p.name === 'status');
    expect(status.schema.items.enum).toEqual(['open', ...INCIDENT_STATUSES]);

    const listPostmortems = operations.find(o => o.op.operationId === 'listPostmortems')!;
    const postmortemStatus = parametersOf(listPostmortems).find(p => p.name === 'status');
    expect(deref(postmortemStatus.schema.items).enum).toEqual([...POSTMORTEM_STATUSES]);

    const limit = spec.components.parameters.Limit.schema;
    expect({ minimum: limit.minimum, maximum: limit.maximum, default: limit.default }).toEqual({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
    });
  });

  it('documents each request body as its zod schema, field by field', () => {
    const bodies: Record<string, [string, z.ZodObject<any>]> = {
      declareIncident: ['DeclareIncidentRequest', declareIncidentSchema as unknown as z.ZodObject<any>],
      updateIncident: ['UpdateIncidentRequest', updateIncidentSchema as unknown as z.ZodObject<any>],
      transitionIncident: ['TransitionRequest', transitionSchema],
      assignIncidentRole: ['AssignRoleRequest', assignRoleSchema],
      addIncidentShadow: ['AddShadowRequest', addShadowSchema],
      addTimelineEntry: ['TimelineEntryRequest', timelineEntrySchema],
      postStatusUpdate: ['StatusUpdateRequest', statusUpdateSchema],
      openHypothesis: ['HypothesisRequest', hypothesisSchema],
      resolveHypothesis: ['ResolveHypothesisRequest', resolveHypothesisSchema],
      createRunbook: ['CreateRunbookRequest', createRunbookSchema],
      updateRunbook: ['UpdateRunbookRequest', updateRunbookSchema],
      recordRunbookDrill: ['RecordDrillRequest', recordDrillSchema],
      putPostmortem: ['PostmortemRequest', putPostmortemSchema as unknown as z.ZodObject<any>],
      createActionItem: ['ActionItemRequest', createActionItemSchema],
      updateActionItem: ['ActionItemChange', updateActionItemSchema as unknown as z.ZodObject<any>],
      linkRepeat: ['RepeatLinkRequest', linkRepeatSchema],
      recordRunbookUsage: ['RunbookUsageRequest', runbookUsageSchema as unknown as z.ZodObject<any>],
      answerSurvey: ['PeerFeedbackSurveyRequest', peerFeedbackSurveySchema as unknown as z.ZodObject<any>],
      recordTraining: ['TrainingRequest', recordTrainingSchema as unknown as z.ZodObject<any>],
      suspendResponder: ['SuspendRequest', suspendResponderSchema],
      liftSuspension: ['LiftSuspensionRequest', liftSuspensionSchema],
      suggestForDraft: ['DraftSuggestionRequest', draftSuggestionSchema],
      acceptSuggestion: ['AcceptSuggestionRequest', acceptSuggestionSchema],
    };
    const problems: string[] = [];
    const withBody = operations.filter(o => o.op.requestBody).map(o => o.op.operationId).sort();
    expect(withBody).toEqual(Object.keys(bodies).sort());
    for (const [operationId, [component, zodSchema]] of Object.entries(bodies)) {
      const operation = operations.find(o => o.op.operationId === operationId)!;
      const body = deref(operation.op.requestBody);
      const ref = body?.content?.['application/json']?.schema?.$ref;
      if (body?.required !== true) problems.push(`${operationId}: requestBody must be required`);
      if (ref !== `#/components/schemas/${component}`) {
        problems.push(`${operationId}: body should be ${component}, is ${ref}`);
        continue;
      }
      problems.push(...compareObjectSchema(component, zodSchema, spec.components.schemas[component]));
    }
    expect(problems).toEqual([]);
  });

  it('documents the query parameters of the zod query schemas', () => {
    const queries: Record<string, z.ZodObject<any>> = {
      listIncidents: listIncidentsQuerySchema as unknown as z.ZodObject<any>,
      getMetrics: metricsQuerySchema as unknown as z.ZodObject<any>,
      listRunbooks: listRunbooksQuerySchema as unknown as z.ZodObject<any>,
      listRunbookRevisions: pageQuerySchema.strict(),
      listResponderLedger: pageQuerySchema.strict(),
      listPostmortems: listPostmortemsQuerySchema as unknown as z.ZodObject<any>,
      listOverduePostmortems: overduePostmortemsQuerySchema as unknown as z.ZodObject<any>,
      findActionItems: findActionItemsQuerySchema as unknown as z.ZodObject<any>,
      getFollowThrough: followThroughQuerySchema as unknown as z.ZodObject<any>,
      getSuggestionMetrics: suggestionMetricsQuerySchema,
    };
    const problems: string[] = [];
    for (const [operationId, zodSchema] of Object.entries(queries)) {
      const operation = operations.find(o => o.op.operationId === operationId)!;
      const params = parametersOf(operation).filter(p => p.in === 'query');
      const documented = new Set(params.map(p => p.name as string));
      const shape: Record<string, z.ZodType> = zodSchema.shape;
      const accepted = new Set(Object.keys(shape));
      for (const name of setDiff(accepted, documented)) problems.push(`${operationId}: ?${name} is accepted but not documented`);
      for (const name of setDiff(documented, accepted)) problems.push(`${operationId}: ?${name} is documented but refused`);
      for (const p of params.filter(x => accepted.has(x.name))) {
        const required = !shape[p.name].isOptional();
        if (required !== (p.required === true)) {
          problems.push(`${operationId}: ?${p.name} is ${required ? 'required' : 'optional'} in zod`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
