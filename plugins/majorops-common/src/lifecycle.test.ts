import {
  INCIDENT_STATUSES,
  INCIDENT_TRANSITIONS,
  IncidentStatus,
  OPEN_STATUSES,
  checkTransition,
  incidentStatusSchema,
  isOpenStatus,
} from './lifecycle';

describe('checkTransition', () => {
  it.each<[IncidentStatus, IncidentStatus]>([
    ['declared', 'investigating'],
    ['declared', 'identified'],
    ['declared', 'mitigating'],
    ['declared', 'monitoring'],
    ['declared', 'resolved'],
    ['investigating', 'identified'],
    ['investigating', 'monitoring'],
    ['investigating', 'resolved'],
    ['identified', 'investigating'],
    ['identified', 'mitigating'],
    ['mitigating', 'investigating'],
    ['mitigating', 'identified'],
    ['mitigating', 'monitoring'],
    ['monitoring', 'investigating'],
    ['monitoring', 'mitigating'],
    ['monitoring', 'resolved'],
    ['resolved', 'investigating'],
    ['resolved', 'closed'],
  ])('allows %s -> %s', (from, to) => {
    expect(checkTransition(from, to)).toEqual({ allowed: true });
  });

  it.each<[IncidentStatus, IncidentStatus, string]>([
    ['declared', 'closed', 'Cannot move from declared to closed; allowed next: investigating, identified, mitigating, monitoring, resolved.'],
    ['investigating', 'declared', 'Cannot move from investigating to declared; allowed next: identified, mitigating, monitoring, resolved.'],
    ['investigating', 'closed', 'Cannot move from investigating to closed; allowed next: identified, mitigating, monitoring, resolved.'],
    ['monitoring', 'identified', 'Cannot move from monitoring to identified; allowed next: investigating, mitigating, resolved.'],
    ['monitoring', 'declared', 'Cannot move from monitoring to declared; allowed next: investigating, mitigating, resolved.'],
    ['resolved', 'monitoring', 'Cannot move from resolved to monitoring; allowed next: investigating, closed.'],
    ['resolved', 'declared', 'Cannot move from resolved to declared; allowed next: investigating, closed.'],
    ['mitigating', 'closed', 'Cannot move from mitigating to closed; allowed next: investigating, identified, monitoring, resolved.'],
  ])('refuses %s -> %s, listing the allowed targets', (from, to, reason) => {
    expect(checkTransition(from, to)).toEqual({
      allowed: false,
      reason,
      allowedTargets: INCIDENT_TRANSITIONS[from],
    });
  });

  it.each(INCIDENT_STATUSES)('refuses %s -> itself with "already"', status => {
    const check = checkTransition(status, status);
    expect(check.allowed).toBe(false);
    expect(check.allowed === false && check.reason).toBe(`The incident is already ${status}.`);
  });

  it.each(INCIDENT_STATUSES.filter(s => s !== 'closed'))('closed is final: refuses closed -> %s', to => {
    expect(checkTransition('closed', to)).toEqual({
      allowed: false,
      reason: 'A closed incident cannot change status.',
      allowedTargets: [],
    });
  });

  it('agrees with INCIDENT_TRANSITIONS for every pair', () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) {
        expect([from, to, checkTransition(from, to).allowed]).toEqual([
          from,
          to,
          INCIDENT_TRANSITIONS[from].includes(to),
        ]);
      }
    }
  });

  it('never allows a transition to the same status or back to declared', () => {
    for (const from of INCIDENT_STATUSES) {
      expect(INCIDENT_TRANSITIONS[from]).not.toContain(from);
      expect(INCIDENT_TRANSITIONS[from]).not.toContain('declared');
    }
  });

  it('only lets a resolved incident be closed', () => {
    const into = INCIDENT_STATUSES.filter(from => INCIDENT_TRANSITIONS[from].includes('closed'));
    expect(into).toEqual(['resolved']);
  });
});

describe('isOpenStatus', () => {
  it.each<[IncidentStatus, boolean]>([
    ['declared', true],
    ['investigating', true],
    ['identified', true],
    ['mitigating', true],
    ['monitoring', true],
    ['resolved', false],
    ['closed', false],
  ])('%s is open: %p', (status, open) => {
    expect(isOpenStatus(status)).toBe(open);
  });

  it('OPEN_STATUSES are the statuses before resolved, in order', () => {
    expect(OPEN_STATUSES).toEqual(INCIDENT_STATUSES.slice(0, INCIDENT_STATUSES.indexOf('resolved')));
  });
});

describe('incidentStatusSchema', () => {
  it.each(['open', 'Declared', 'done', ''])('refuses %p with the list of statuses', value => {
    const result = incidentStatusSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe(
      'status must be one of declared, investigating, identified, mitigating, monitoring, resolved, closed',
    );
  });
});
