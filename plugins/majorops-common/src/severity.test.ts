import {
  DEFAULT_SEVERITY_MATRIX,
  SEVERITIES,
  Severity,
  SeverityLevelOverride,
  mergeSeverityMatrix,
  mostSevere,
  oneLevelUp,
  severityRank,
  severitySchema,
} from './severity';

describe('DEFAULT_SEVERITY_MATRIX', () => {
  it.each<[Severity, number, number]>([
    ['SEV1', 5, 15],
    ['SEV2', 15, 30],
    ['SEV3', 60, 120],
    ['SEV4', 1440, 1440],
  ])('%s: responds within %i min, updates every %i min', (severity, response, cadence) => {
    const level = DEFAULT_SEVERITY_MATRIX[severity];
    expect(level.severity).toBe(severity);
    expect(level.responseTimeMinutes).toBe(response);
    expect(level.updateCadenceMinutes).toBe(cadence);
  });

  it.each<[Severity, number | undefined]>([
    ['SEV1', 0],
    ['SEV2', 15],
    ['SEV3', undefined],
    ['SEV4', undefined],
  ])('%s escalates within %p min', (severity, within) => {
    expect(DEFAULT_SEVERITY_MATRIX[severity].escalationWithinMinutes).toBe(within);
  });

  it('has exactly one row per severity', () => {
    expect(Object.keys(DEFAULT_SEVERITY_MATRIX).sort()).toEqual([...SEVERITIES]);
  });

  it('is itself accepted by mergeSeverityMatrix', () => {
    expect(mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, undefined)).toEqual(DEFAULT_SEVERITY_MATRIX);
    expect(mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, {})).toEqual(DEFAULT_SEVERITY_MATRIX);
  });
});

describe('severitySchema', () => {
  it.each(SEVERITIES)('accepts %s', s => {
    expect(severitySchema.parse(s)).toBe(s);
  });

  it.each(['P1', 'sev1', 'SEV5', ''])('refuses %p with a readable message', s => {
    const result = severitySchema.safeParse(s);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe('severity must be one of SEV1, SEV2, SEV3, SEV4');
  });
});

describe('mergeSeverityMatrix', () => {
  type Overrides = Partial<Record<Severity, SeverityLevelOverride>>;

  it.each<[string, Overrides, Severity, Partial<Record<string, unknown>>]>([
    ['response time', { SEV2: { responseTimeMinutes: 10 } }, 'SEV2', { responseTimeMinutes: 10, updateCadenceMinutes: 30 }],
    ['cadence', { SEV1: { updateCadenceMinutes: 10 } }, 'SEV1', { responseTimeMinutes: 5, updateCadenceMinutes: 10 }],
    ['name and escalation', { SEV3: { name: 'Medium', escalation: 'Slack #ops' } }, 'SEV3', { name: 'Medium', escalation: 'Slack #ops', responseTimeMinutes: 60 }],
    ['escalation window', { SEV3: { escalationWithinMinutes: 240 } }, 'SEV3', { escalationWithinMinutes: 240 }],
    ['SEV4 equal to SEV3', { SEV4: { responseTimeMinutes: 60 } }, 'SEV4', { responseTimeMinutes: 60, updateCadenceMinutes: 1440 }],
  ])('applies an override of %s', (_what, overrides, severity, expected) => {
    const merged = mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, overrides);
    expect(merged[severity]).toMatchObject({ ...expected, severity });
  });

  it('leaves the rows that are not overridden and the base matrix untouched', () => {
    const before = JSON.parse(JSON.stringify(DEFAULT_SEVERITY_MATRIX));
    const merged = mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, { SEV2: { responseTimeMinutes: 10 } });
    expect(merged.SEV1).toEqual(DEFAULT_SEVERITY_MATRIX.SEV1);
    expect(merged.SEV3).toEqual(DEFAULT_SEVERITY_MATRIX.SEV3);
    expect(merged.SEV4).toEqual(DEFAULT_SEVERITY_MATRIX.SEV4);
    expect(DEFAULT_SEVERITY_MATRIX).toEqual(before);
  });

  it('keeps the severity key of a row even if an override carries another one', () => {
    const sneaky = { SEV2: { severity: 'SEV1', responseTimeMinutes: 10 } } as unknown as Overrides;
    expect(mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, sneaky).SEV2.severity).toBe('SEV2');
  });

  it.each<[Severity, 'responseTimeMinutes' | 'updateCadenceMinutes', number]>([
    ['SEV1', 'responseTimeMinutes', 0],
    ['SEV1', 'updateCadenceMinutes', 0],
    ['SEV2', 'responseTimeMinutes', -5],
    ['SEV3', 'updateCadenceMinutes', -1],
    ['SEV4', 'updateCadenceMinutes', Number.NaN],
    ['SEV4', 'responseTimeMinutes', Number.POSITIVE_INFINITY],
  ])('refuses %s.%s = %p, naming the key', (severity, key, value) => {
    expect(() => mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, { [severity]: { [key]: value } })).toThrow(
      `majorops.severityMatrix.${severity}.${key} must be a positive number of minutes`,
    );
  });

  it.each<[string, Overrides, string]>([
    ['SEV2 faster than SEV1', { SEV2: { responseTimeMinutes: 4 } }, 'SEV2 response time (4 min) is shorter than SEV1 (5 min)'],
    ['SEV1 slower than SEV2', { SEV1: { responseTimeMinutes: 20 } }, 'SEV2 response time (15 min) is shorter than SEV1 (20 min)'],
    ['SEV3 faster than SEV2', { SEV3: { responseTimeMinutes: 10 } }, 'SEV3 response time (10 min) is shorter than SEV2 (15 min)'],
    ['SEV4 faster than SEV3', { SEV4: { responseTimeMinutes: 59 } }, 'SEV4 response time (59 min) is shorter than SEV3 (60 min)'],
  ])('refuses a less severe level answering faster: %s', (_what, overrides, message) => {
    expect(() => mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, overrides)).toThrow(message);
  });

  it('accepts a consistent set of overrides on several levels at once', () => {
    const merged = mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, {
      SEV1: { responseTimeMinutes: 2 },
      SEV2: { responseTimeMinutes: 2 },
      SEV3: { responseTimeMinutes: 30 },
    });
    expect(SEVERITIES.map(s => merged[s].responseTimeMinutes)).toEqual([2, 2, 30, 1440]);
  });
});

describe('severityRank', () => {
  it.each<[Severity, number]>([
    ['SEV1', 1],
    ['SEV2', 2],
    ['SEV3', 3],
    ['SEV4', 4],
  ])('%s has rank %i', (severity, rank) => {
    expect(severityRank(severity)).toBe(rank);
  });
});

describe('mostSevere', () => {
  it.each<[Severity, Severity, Severity]>([
    ['SEV1', 'SEV2', 'SEV1'],
    ['SEV2', 'SEV1', 'SEV1'],
    ['SEV3', 'SEV4', 'SEV3'],
    ['SEV4', 'SEV2', 'SEV2'],
    ['SEV4', 'SEV4', 'SEV4'],
    ['SEV1', 'SEV1', 'SEV1'],
  ])('mostSevere(%s, %s) is %s', (a, b, expected) => {
    expect(mostSevere(a, b)).toBe(expected);
  });
});

describe('oneLevelUp', () => {
  it.each<[Severity, Severity]>([
    ['SEV4', 'SEV3'],
    ['SEV3', 'SEV2'],
    ['SEV2', 'SEV1'],
    ['SEV1', 'SEV1'],
  ])('%s goes up to %s', (from, to) => {
    expect(oneLevelUp(from)).toBe(to);
  });
});
