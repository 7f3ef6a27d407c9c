import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  entityRefOfKind,
  entityRefSchema,
  listIncidentsQuerySchema,
  listRunbooksQuerySchema,
  pageQuerySchema,
} from './schemas';
import type { z } from 'zod';
import { isoTimestampSchema } from './commandSchemas';

/** The messages of a failed parse, or the parsed data when it succeeded. */
function messagesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(value)} to be refused, got ${JSON.stringify(result.data)}`);
  }
  return result.error.issues.map(i => i.message);
}

const OPEN = ['declared', 'investigating', 'identified', 'mitigating', 'monitoring'];

describe('entityRefSchema', () => {
  it.each([
    ['Component:default/Checkout-API', 'component:default/checkout-api'],
    ['component:default/checkout-api', 'component:default/checkout-api'],
    ['component:checkout-api', 'component:default/checkout-api'],
    ['Group:Team-A', 'group:default/team-a'],
    ['user:Payments/Jane.Doe', 'user:payments/jane.doe'],
    ['  component:default/padded  ', 'component:default/padded'],
  ])('normalises %p to %p', (input, expected) => {
    expect(entityRefSchema.parse(input)).toBe(expected);
  });

  it.each(['checkout-api', 'default/checkout-api', '', ':default/x', 'component:', 'component:default/'])(
    'refuses %p, which has no kind or is malformed',
    input => {
      expect(messagesOf(entityRefSchema, input)).toEqual([
        `"${input}" is not an entity ref of the form kind:namespace/name`,
      ]);
    },
  );

  it('accepts a ref of exactly 255 characters', () => {
    const ref = `component:default/${'a'.repeat(255 - 'component:default/'.length)}`;
    expect(ref).toHaveLength(255);
    expect(entityRefSchema.parse(ref)).toBe(ref);
  });

  it('refuses a ref of 256 characters', () => {
    const ref = `component:default/${'a'.repeat(256 - 'component:default/'.length)}`;
    expect(messagesOf(entityRefSchema, ref)).toEqual(['entity ref is longer than 255 characters']);
  });

  it('measures the length after trimming', () => {
    const ref = `component:default/${'a'.repeat(255 - 'component:default/'.length)}`;
    expect(entityRefSchema.parse(`  ${ref}  `)).toBe(ref);
  });

  it.each([undefined, null, 42, ['component:default/x'], { kind: 'component' }])('refuses non-string %p', value => {
    expect(messagesOf(entityRefSchema, value)).toEqual(['an entity ref is required, as a string']);
  });
});

describe('entityRefOfKind', () => {
  const groupRef = entityRefOfKind('group');

  it.each([
    ['group:default/team-a', 'group:default/team-a'],
    ['Group:Team-A', 'group:default/team-a'],
    ['group:payments/core', 'group:payments/core'],
  ])('accepts %p as %p', (input, expected) => {
    expect(groupRef.parse(input)).toBe(expected);
  });

  it.each([
    ['component:default/checkout-api', '"component:default/checkout-api" is not a group entity ref'],
    ['user:default/jane', '"user:default/jane" is not a group entity ref'],
    ['groups:default/team-a', '"groups:default/team-a" is not a group entity ref'],
  ])('refuses %p', (input, message) => {
    expect(messagesOf(groupRef, input)).toEqual([message]);
  });

  it('compares the kind case-insensitively', () => {
    expect(entityRefOfKind('User').parse('user:default/jane')).toBe('user:default/jane');
  });

  it('still refuses a ref without a kind', () => {
    expect(messagesOf(groupRef, 'team-a')).toEqual(['"team-a" is not an entity ref of the form kind:namespace/name']);
  });
});

describe('pageQuerySchema', () => {
  it.each<[Record<string, unknown>, number]>([
    [{}, DEFAULT_PAGE_SIZE],
    [{ limit: '1' }, 1],
    [{ limit: '200' }, 200],
    [{ limit: 50 }, 50],
  ])('%p gives limit %i', (query, limit) => {
    expect(pageQuerySchema.parse(query).limit).toBe(limit);
  });

  it('defaults to 25 and allows at most 200', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(25);
    expect(MAX_PAGE_SIZE).toBe(200);
  });

  it.each<[unknown, string]>([
    ['0', 'limit must be at least 1'],
    ['-3', 'limit must be at least 1'],
    ['201', 'limit must be at most 200'],
    ['2.5', 'limit must be a whole number'],
    ['ten', 'limit must be a number'],
  ])('refuses limit=%p with %p', (limit, message) => {
    expect(messagesOf(pageQuerySchema, { limit })).toEqual([message]);
  });

  it('refuses a cursor longer than 500 characters', () => {
    expect(pageQuerySchema.parse({ cursor: 'c'.repeat(500) }).cursor).toHaveLength(500);
    expect(messagesOf(pageQuerySchema, { cursor: 'c'.repeat(501) })).toEqual(['cursor is too long']);
  });
});

describe('listIncidentsQuerySchema', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{}, { limit: 25 }],
    [{ status: 'open' }, { status: OPEN }],
    [{ status: 'resolved,closed' }, { status: ['resolved', 'closed'] }],
    [{ status: ' resolved , closed ,' }, { status: ['resolved', 'closed'] }],
    [{ status: 'open,resolved' }, { status: [...OPEN, 'resolved'] }],
    // duplicates are dropped; the order is the order of first mention
    [{ status: 'investigating,open' }, { status: ['investigating', 'declared', 'identified', 'mitigating', 'monitoring'] }],
    [{ status: 'closed,closed' }, { status: ['closed'] }],
    [{ severity: 'SEV1,SEV2' }, { severity: ['SEV1', 'SEV2'] }],
    [{ severity: 'SEV4' }, { severity: ['SEV4'] }],
    [{ limit: '200', cursor: 'abc' }, { limit: 200, cursor: 'abc' }],
    [{ entityRef: 'Component:default/Checkout-API' }, { entityRef: 'component:default/checkout-api' }],
    [{ entityRef: 'component:checkout-api' }, { entityRef: 'component:default/checkout-api' }],
    [{ groupRef: 'group:team-a' }, { groupRef: 'group:default/team-a' }],
  ])('parses %p', (query, expected) => {
    const parsed = listIncidentsQuerySchema.parse(query);
    expect(parsed).toEqual({ limit: 25, ...expected });
  });

  it('expands status=open to exactly the five open statuses', () => {
    const parsed = listIncidentsQuerySchema.parse({ status: 'open' });
    expect(parsed.status).toHaveLength(5);
    expect(parsed.status).not.toContain('resolved');
    expect(parsed.status).not.toContain('closed');
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { status: 'done' },
      'unknown status "done"; expected one of open, declared, investigating, identified, mitigating, monitoring, resolved, closed',
    ],
    [
      { status: 'resolved,Closed' },
      'unknown status "Closed"; expected one of open, declared, investigating, identified, mitigating, monitoring, resolved, closed',
    ],
    [{ severity: 'P1' }, 'unknown severity "P1"; expected one of SEV1, SEV2, SEV3, SEV4'],
    [{ severity: 'SEV1,sev2' }, 'unknown severity "sev2"; expected one of SEV1, SEV2, SEV3, SEV4'],
    [{ limit: '0' }, 'limit must be at least 1'],
    [{ limit: '201' }, 'limit must be at most 200'],
    [{ groupRef: 'component:default/checkout-api' }, '"component:default/checkout-api" is not a group entity ref'],
    [{ entityRef: 'checkout-api' }, '"checkout-api" is not an entity ref of the form kind:namespace/name'],
  ])('refuses %p', (query, message) => {
    expect(messagesOf(listIncidentsQuerySchema, query)).toEqual([message]);
  });

  it.each([
    [{ owner: 'group:default/team-a' }, ['owner']],
    [{ status: 'open', sort: 'asc' }, ['sort']],
    [{ page: '2', offset: '10' }, ['page', 'offset']],
  ])('refuses unknown query keys in %p (strict)', (query, keys) => {
    const result = listIncidentsQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find(i => i.code === 'unrecognized_keys');
    expect(issue).toMatchObject({ code: 'unrecognized_keys', keys });
  });

  it('refuses entityRef and groupRef together', () => {
    expect(
      messagesOf(listIncidentsQuerySchema, {
        entityRef: 'component:default/checkout-api',
        groupRef: 'group:default/team-a',
      }),
    ).toEqual(['give either entityRef or groupRef, not both']);
  });

  // Names inherited from Object.prototype must not be mistaken for aliases.
  it.each([
    [{ status: 'constructor' }, 'unknown status "constructor"'],
    [{ status: 'toString' }, 'unknown status "toString"'],
    [{ severity: 'hasOwnProperty' }, 'unknown severity "hasOwnProperty"'],
    [{ status: '' }, 'give at least one status'],
    [{ severity: ' , ' }, 'give at least one severity'],
  ])('refuses %p as an unknown value (does not throw)', (query, start) => {
    let result: ReturnType<typeof listIncidentsQuerySchema.safeParse> | undefined;
    expect(() => {
      result = listIncidentsQuerySchema.safeParse(query);
    }).not.toThrow();
    expect(result?.success).toBe(false);
    expect(result?.error?.issues[0].message).toMatch(new RegExp(`^${start}`));
  });
});

describe('listRunbooksQuerySchema', () => {
  it('requires an entityRef and normalises it', () => {
    expect(listRunbooksQuerySchema.parse({ entityRef: 'Component:Checkout-API' })).toEqual({
      entityRef: 'component:default/checkout-api',
      limit: 25,
    });
    expect(messagesOf(listRunbooksQuerySchema, {})).toEqual(['an entity ref is required, as a string']);
  });

  it('refuses unknown keys', () => {
    const result = listRunbooksQuerySchema.safeParse({ entityRef: 'component:x', status: 'open' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['status'] });
  });
});

describe('isoTimestampSchema', () => {
  it.each([
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T11:30:00+01:30', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:00:00.123Z', '2026-11-23T10:00:00.123Z'],
  ])('normalises %p to UTC', (value, expected) => {
    expect(isoTimestampSchema.parse(value)).toBe(expected);
  });

  it.each([['2026-02-30T10:00:00Z'], ['2026-11-23T24:00:00Z'], ['2026-11-23'], ['2026-11-23T10:00:00'], ['yesterday'], ['']])(
    'refuses %p instead of shifting it',
    value => {
      const result = isoTimestampSchema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/not a valid ISO-8601 timestamp/);
    },
  );
});
