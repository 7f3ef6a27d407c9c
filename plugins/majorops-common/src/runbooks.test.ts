import type { z } from 'zod';
import {
  createRunbookSchema,
  DEFAULT_RUNBOOK_STALE_AFTER_DAYS,
  MAX_RUNBOOK_BODY_LENGTH,
  missingRunbookSections,
  recordDrillSchema,
  RUNBOOK_DUE_SOON_DAYS,
  RUNBOOK_SECTIONS,
  runbookFreshness,
  RunbookFreshnessStatus,
  runbookTemplate,
  updateRunbookSchema,
} from './runbooks';

const NOW = '2026-11-23T10:00:00.000Z';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The moment `days` days (and `hours` hours) before NOW. */
const before = (days: number, hours = 0) => new Date(Date.parse(NOW) - days * DAY - hours * HOUR).toISOString();

/** The messages of a failed parse; throws when the value was accepted. */
function messagesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(value)} to be refused, got ${JSON.stringify(result.data)}`);
  }
  return result.error.issues.map(i => i.message);
}

describe('runbookFreshness', () => {
  it('keeps the quarterly policy of the seed: stale after 90 days, due soon in the last 14', () => {
    expect(DEFAULT_RUNBOOK_STALE_AFTER_DAYS).toBe(90);
    expect(RUNBOOK_DUE_SOON_DAYS).toBe(14);
  });

  it.each<[string, string | undefined, number | undefined, RunbookFreshnessStatus, number | undefined]>([
    // [case, lastTestedAt, staleAfterDays, status, ageDays]
    ['never tested', undefined, undefined, 'never-tested', undefined],
    ['never tested (empty value)', '', undefined, 'never-tested', undefined],
    ['tested just now', NOW, undefined, 'fresh', 0],
    ['tested "in the future" (clock skew) counts as today', new Date(Date.parse(NOW) + 3 * HOUR).toISOString(), undefined, 'fresh', 0],
    ['tested 30 days ago', before(30), undefined, 'fresh', 30],
    ['last fresh day: 76 days (90 - 14)', before(76), undefined, 'fresh', 76],
    ['76 days and 23 hours is still 76 whole days', before(76, 23), undefined, 'fresh', 76],
    ['first due-soon day: 77 days', before(77), undefined, 'due-soon', 77],
    ['exactly 90 days: due soon, not yet stale', before(90), undefined, 'due-soon', 90],
    ['90 days and 23 hours: still 90 whole days', before(90, 23), undefined, 'due-soon', 90],
    ['91 days: stale', before(91), undefined, 'stale', 91],
    ['a year: stale', before(365), undefined, 'stale', 365],
    ['custom 30: 16 days fresh', before(16), 30, 'fresh', 16],
    ['custom 30: 17 days due soon', before(17), 30, 'due-soon', 17],
    ['custom 30: exactly 30 days due soon', before(30), 30, 'due-soon', 30],
    ['custom 30: 31 days stale', before(31), 30, 'stale', 31],
    ['custom 180: 91 days is fresh', before(91), 180, 'fresh', 91],
    ['custom 180: 166 days fresh, 167 due soon', before(166), 180, 'fresh', 166],
    ['custom 180: 167 days due soon', before(167), 180, 'due-soon', 167],
    ['custom 180: 181 days stale', before(181), 180, 'stale', 181],
    ['a zone offset is the same moment', '2026-11-23T12:00:00+02:00', undefined, 'fresh', 0],
  ])('%s', (_case, lastTestedAt, staleAfterDays, status, ageDays) => {
    const freshness = runbookFreshness(lastTestedAt, NOW, staleAfterDays);
    expect(freshness.status).toBe(status);
    expect(freshness.ageDays).toBe(ageDays);
    expect(freshness.explanation.length).toBeGreaterThan(0);
  });

  it('explains each status with the numbers behind it', () => {
    expect(runbookFreshness(undefined, NOW).explanation).toMatch(/never tested/i);
    expect(runbookFreshness(before(10), NOW).explanation).toBe('Last tested 10 days ago.');
    expect(runbookFreshness(before(80), NOW).explanation).toBe(
      'Last tested 80 days ago; stale after 90. Schedule a drill.',
    );
    expect(runbookFreshness(before(91), NOW).explanation).toBe(
      'Last tested 91 days ago, more than 90: run a drill before relying on it.',
    );
    expect(runbookFreshness(before(31), NOW, 30).explanation).toBe(
      'Last tested 31 days ago, more than 30: run a drill before relying on it.',
    );
  });
});

describe('missingRunbookSections', () => {
  const all = (headings: string[]) => headings.map(h => `${h}\ntext\n`).join('\n');

  it.each<[string, string, string[]]>([
    ['the template', runbookTemplate({ title: 't', entityRef: 'component:default/x' }), []],
    ['an empty body', '', [...RUNBOOK_SECTIONS]],
    ['every section, in another order', all(['## Communication', '## Verification', '## Remediation', '## Diagnosis', '## Detection', '## Quick Reference']), []],
    ['headings in any case', all(['## QUICK REFERENCE', '## detection', '## DiAgNoSiS', '## remediation', '## verification', '## communication']), []],
    ['extra spaces, tabs and Windows line ends', '##   Quick Reference  \r\n##\tDetection\r\n## Diagnosis\r\n## Remediation\r\n## Verification\r\n## Communication\r\n', []],
    ['names followed by more words, as the issue calls them', all(['## Quick reference', '## Detection', '## Diagnosis', '## Remediation options', '## Verification checklist', '## Communication: who to tell']), []],
    ['### headings do not count', all(['## Quick Reference', '### Detection', '## Diagnosis', '#### Remediation', '## Verification', '## Communication']), ['Detection', 'Remediation']],
    ['# headings and headings without a space do not count', all(['# Quick Reference', '##Detection', '## Diagnosis', '## Remediation', '## Verification', '## Communication']), ['Quick Reference', 'Detection']],
    ['a mention in the text is not a heading', 'See Detection and Diagnosis below.\n- ## Verification\n', [...RUNBOOK_SECTIONS]],
    ['a longer word is not the section', all(['## Quick Reference', '## Detectionless', '## Diagnosis', '## Remediations', '## Verification', '## Communication']), ['Detection', 'Remediation']],
  ])('%s', (_case, body, missing) => {
    expect(missingRunbookSections(body)).toEqual(missing);
  });
});

describe('runbookTemplate', () => {
  const body = runbookTemplate({
    title: 'Checkout 5xx',
    entityRef: 'component:default/checkout-api',
    ownerRef: 'group:default/payments',
  });

  it('has the six sections of the seed, in order, as ## headings', () => {
    const headings = body.split('\n').filter(line => line.startsWith('## '));
    expect(headings).toEqual(RUNBOOK_SECTIONS.map(s => `## ${s}`));
    expect(RUNBOOK_SECTIONS).toEqual([
      'Quick Reference',
      'Detection',
      'Diagnosis',
      'Remediation',
      'Verification',
      'Communication',
    ]);
    expect(missingRunbookSections(body)).toEqual([]);
  });

  it('fills in the title, the entity and its owner', () => {
    expect(body.split('\n')[0]).toBe('# Runbook: Checkout 5xx');
    expect(body).toContain('- **Service**: component:default/checkout-api');
    expect(body).toContain('- **Owner team**: group:default/payments');
  });

  it('keeps the remediation options as ### sub-headings and a verification checklist', () => {
    expect(body).toContain('### Option A: Roll back');
    expect(body).toContain('### Option B: Restart');
    expect(body).toContain('### Option C: Scale up');
    expect(body.match(/^- \[ \] /gm)).toHaveLength(4);
  });

  it('leaves a placeholder when the catalog knows no owner', () => {
    const unowned = runbookTemplate({ title: 't', entityRef: 'component:default/x' });
    expect(unowned).toContain('- **Owner team**: (owner from the catalog)');
    expect(unowned).not.toContain('undefined');
  });
});

describe('createRunbookSchema', () => {
  it('normalises the entity ref and trims the title; the body is optional and kept verbatim', () => {
    expect(createRunbookSchema.parse({ entityRef: 'Component:Checkout-API', title: '  Checkout 5xx  ' })).toEqual({
      entityRef: 'component:default/checkout-api',
      title: 'Checkout 5xx',
    });
    const body = '  # Raw\n<script>alert(1)</script>\n\n';
    expect(createRunbookSchema.parse({ entityRef: 'component:default/x', title: 't', body }).body).toBe(body);
  });

  it.each<[string, object, string[]]>([
    ['no entity ref', { title: 't' }, ['an entity ref is required, as a string']],
    ['an entity ref without a kind', { entityRef: 'checkout-api', title: 't' }, ['"checkout-api" is not an entity ref of the form kind:namespace/name']],
    ['no title', { entityRef: 'component:default/x' }, ['title must be a string']],
    ['a blank title', { entityRef: 'component:default/x', title: '   ' }, ['title is required']],
    ['a title of 201 characters', { entityRef: 'component:default/x', title: 'x'.repeat(201) }, ['title is longer than 200 characters']],
    ['a body that is not a string', { entityRef: 'component:default/x', title: 't', body: 42 }, ['body must be a string']],
    ['a null body', { entityRef: 'component:default/x', title: 't', body: null }, ['body must be a string']],
    ['a body over the limit', { entityRef: 'component:default/x', title: 't', body: 'x'.repeat(MAX_RUNBOOK_BODY_LENGTH + 1) }, [`body is longer than ${MAX_RUNBOOK_BODY_LENGTH} characters`]],
  ])('refuses %s', (_case, input, messages) => {
    expect(messagesOf(createRunbookSchema, input)).toEqual(messages);
  });

  it('accepts the limits themselves', () => {
    const parsed = createRunbookSchema.parse({
      entityRef: 'component:default/x',
      title: 'x'.repeat(200),
      body: 'x'.repeat(MAX_RUNBOOK_BODY_LENGTH),
    });
    expect(parsed.title).toHaveLength(200);
    expect(parsed.body).toHaveLength(MAX_RUNBOOK_BODY_LENGTH);
  });

  it('is strict: the author is never a field of the request', () => {
    const result = createRunbookSchema.safeParse({ entityRef: 'component:default/x', title: 't', createdBy: 'user:default/mallory' });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['createdBy'] })]);
  });
});

describe('updateRunbookSchema', () => {
  const valid = { version: 3, title: ' New title ', body: 'B', changeNote: '  fixed the rollback command  ' };

  it('takes the whole text, the version it was based on and a trimmed note', () => {
    expect(updateRunbookSchema.parse(valid)).toEqual({
      version: 3,
      title: 'New title',
      body: 'B',
      changeNote: 'fixed the rollback command',
    });
    const { changeNote: _note, ...withoutNote } = valid;
    expect(updateRunbookSchema.parse(withoutNote).changeNote).toBeUndefined();
    expect(updateRunbookSchema.parse({ ...valid, changeNote: 'x'.repeat(500) }).changeNote).toHaveLength(500);
  });

  it.each<[string, object, RegExp]>([
    ['no version', { title: 't', body: 'b' }, /^version is required: send the version you last read$/],
    ['version as a string', { ...valid, version: '3' }, /^version is required/],
    ['version 0', { ...valid, version: 0 }, /^version must be at least 1$/],
    ['a fractional version', { ...valid, version: 1.5 }, /^version must be a whole number$/],
    ['no body', { version: 1, title: 't' }, /^body must be a string$/],
    ['a blank title', { ...valid, title: ' ' }, /^title is required$/],
    ['a note over 500 characters', { ...valid, changeNote: 'x'.repeat(501) }, /^changeNote is longer than 500 characters$/],
    ['a body over the limit', { ...valid, body: 'x'.repeat(MAX_RUNBOOK_BODY_LENGTH + 1) }, /^body is longer than/],
  ])('refuses %s', (_case, input, message) => {
    const messages = messagesOf(updateRunbookSchema, input);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it('is strict: a runbook cannot be moved to another entity, nor its author set', () => {
    for (const extra of [{ entityRef: 'component:default/y' }, { authorRef: 'user:default/mallory' }]) {
      const result = updateRunbookSchema.safeParse({ ...valid, ...extra });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].code).toBe('unrecognized_keys');
    }
  });
});

describe('recordDrillSchema', () => {
  const valid = { kind: 'drill', outcome: 'passed', performedAt: '2026-11-20T10:00:00Z' };

  it('defaults participants and notes, and normalises the time to UTC', () => {
    expect(recordDrillSchema.parse(valid)).toEqual({
      kind: 'drill',
      outcome: 'passed',
      performedAt: '2026-11-20T10:00:00.000Z',
      participants: [],
      notes: '',
    });
    expect(recordDrillSchema.parse({ ...valid, kind: 'game-day', performedAt: '2026-11-20T12:30:00.5+02:00' })).toMatchObject({
      kind: 'game-day',
      performedAt: '2026-11-20T10:30:00.500Z',
    });
  });

  it.each(['passed', 'partial', 'failed'])('accepts the outcome %p', outcome => {
    expect(recordDrillSchema.parse({ ...valid, outcome }).outcome).toBe(outcome);
  });

  it('normalises participants and drops duplicates, keeping the first order', () => {
    const parsed = recordDrillSchema.parse({
      ...valid,
      participants: ['User:default/Grace', 'user:liam', 'user:default/grace', 'user:default/LIAM', 'user:default/maya'],
      notes: '  failover took 4 minutes  ',
    });
    expect(parsed.participants).toEqual(['user:default/grace', 'user:default/liam', 'user:default/maya']);
    expect(parsed.notes).toBe('failover took 4 minutes');
  });

  it('accepts 50 participants and refuses 51', () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => `user:default/u${i}`);
    expect(recordDrillSchema.parse({ ...valid, participants: refs(50) }).participants).toHaveLength(50);
    expect(messagesOf(recordDrillSchema, { ...valid, participants: refs(51) })).toEqual(['at most 50 participants']);
  });

  it.each<[string, unknown]>([
    ['words', 'yesterday'],
    ['a bare date', '2026-11-20'],
    ['a local time without a zone', '2026-11-20T10:00:00'],
    ['30 February', '2026-02-30T10:00:00Z'],
    ['hour 24', '2026-11-20T24:00:00Z'],
    ['a space instead of T', '2026-11-20 10:00:00Z'],
    ['a number', 1763632800000],
  ])('refuses a performedAt that is %s', (_case, performedAt) => {
    const messages = messagesOf(recordDrillSchema, { ...valid, performedAt });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/performedAt/);
  });

  it.each<[string, object, string[]]>([
    ['no performedAt', { kind: 'drill', outcome: 'passed' }, ['performedAt is required']],
    ['an unknown kind', { ...valid, kind: 'tabletop' }, ['kind must be one of drill, game-day']],
    ['an unknown outcome', { ...valid, outcome: 'ok' }, ['outcome must be one of passed, partial, failed']],
    ['a participant without a kind', { ...valid, participants: ['grace'] }, ['"grace" is not an entity ref of the form kind:namespace/name']],
    ['notes over 5000 characters', { ...valid, notes: 'x'.repeat(5001) }, ['notes are longer than 5000 characters']],
  ])('refuses %s', (_case, input, messages) => {
    expect(messagesOf(recordDrillSchema, input)).toEqual(messages);
  });

  it('is strict: who recorded the drill is never a field of the request', () => {
    const result = recordDrillSchema.safeParse({ ...valid, recordedBy: 'user:default/mallory' });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['recordedBy'] })]);
  });
});
