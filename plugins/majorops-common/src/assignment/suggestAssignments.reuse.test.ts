import { DEFAULT_ASSIGNMENT_CONFIG } from './config';
import { referenceSuggestAssignments } from './referenceSuggestAssignments';
import { suggestAssignments } from './suggestAssignments';
import { DAY, HOUR, NOW, TECH, TYPES, ROLES, SEVERITIES, entity, group, level, plus, random, system, user } from './testFixtures';
import type { AssignmentIncident, AssignmentInput, AssignmentReputation, AssignmentUser } from './types';

/**
 * The engine keeps what it read of each incident object (its timestamps, and
 * the incident as it stands once everything on it happened) and reuses it on
 * the next call with the same object, as the backend passes the records it
 * keeps in process to request after request. These tests call it again and
 * again with the very same objects — at other moments, with another catalog,
 * after changes made in place — and compare every answer with the reference
 * implementation, which keeps nothing.
 */

const USERS = 120;
const ENTITIES = 12;

function input(seed: number): AssignmentInput {
  const r = random(seed);
  const users: AssignmentUser[] = Array.from({ length: USERS }, (_, i) => ({ userRef: user(i), memberOf: [group(i % 4)] }));
  const reputation: AssignmentReputation[] = users
    .filter((_, i) => i % 5 !== 0)
    .map((u, i) => ({ userRef: u.userRef, score: (i * 37) % 1000, level: level((i % 6) as 0 | 1 | 2 | 3 | 4 | 5, i % 23 === 0) }));
  const nowMs = Date.parse(NOW);
  const incidents: AssignmentIncident[] = Array.from({ length: 300 }, (_, n) => {
    // Some declared, assigned, released or resolved within a few hours around `now`.
    const recent = n % 10 === 0;
    const declared = recent ? nowMs - r.int(-3, 6) * HOUR : nowMs - r.int(1, 400) * DAY;
    const declaredAt = new Date(declared).toISOString();
    const resolved = r.chance(0.85);
    return {
      id: `inc-${String(n).padStart(4, '0')}`,
      title: `Incident ${n}`,
      severity: r.pick(SEVERITIES),
      ...(r.chance(0.9) ? { incidentType: r.pick(TYPES) } : {}),
      declaredAt,
      ...(resolved ? { resolvedAt: plus(declaredAt, r.int(1, 8) * HOUR) } : {}),
      ...(resolved && r.chance(0.1) ? { reopenedAt: plus(declaredAt, 9 * HOUR) } : {}),
      ...(resolved && r.chance(0.1) ? { repeatLinkedAt: plus(declaredAt, 10 * HOUR) } : {}),
      entities: Array.from({ length: r.int(1, 2) }, () => {
        const e = r.int(0, ENTITIES - 1);
        return { entityRef: entity(e), ...(r.chance(0.3) ? { systemRef: system(e % 3) } : {}) };
      }),
      ...(r.chance(0.2) ? { tech: [r.pick(TECH)] } : {}),
      roles: Array.from({ length: r.int(1, 3) }, () => ({
        role: r.pick(ROLES),
        userRef: user(Math.floor(Math.pow(r.next(), 2) * USERS)),
        assignedAt: plus(declaredAt, r.int(0, 90) * 60_000),
        ...(r.chance(0.2) ? { releasedAt: plus(declaredAt, r.int(91, 300) * 60_000) } : {}),
      })),
    };
  });
  return {
    incident: { id: 'target', severity: 'SEV2', incidentType: 'database', declaredAt: NOW, entities: [{ entityRef: entity(0) }, { entityRef: entity(1) }] },
    users,
    entities: [
      ...Array.from({ length: ENTITIES }, (_, e) => ({
        entityRef: entity(e),
        ownerRef: group(e % 4),
        ...(e % 4 ? { systemRef: system(e % 3) } : {}),
        ...(e % 2 ? { tech: [TECH[e % TECH.length]] } : {}),
      })),
      ...Array.from({ length: 3 }, (_, s) => ({ entityRef: system(s), ownerRef: group((s + 1) % 4) })),
    ],
    incidents,
    reputation,
  };
}

const config = { ...DEFAULT_ASSIGNMENT_CONFIG, excludedListLimit: 100_000 };

function same(value: AssignmentInput, now: string) {
  expect(suggestAssignments(value, now, config)).toEqual(referenceSuggestAssignments(value, now, config));
}

describe('suggestAssignments called again with the same incident objects', () => {
  it('answers as the reference at every moment, earlier and later, before and after each incident settled', () => {
    const value = input(11);
    // Back and forth across the hours in which the recent incidents were declared, assigned, released and resolved.
    for (const hours of [0, 12, -2, 3, -5, 8, 1, -1, 24, 0]) {
      const now = plus(NOW, hours * HOUR);
      same({ ...value, incident: { ...value.incident, declaredAt: now } }, now);
    }
  });

  it('answers as the reference when the catalog says otherwise of the incidents\' entities (systems, tech)', () => {
    const value = input(12);
    same(value, NOW);
    const changed: AssignmentInput = {
      ...value,
      entities: value.entities.map(e => (e.entityRef.startsWith('component:') ? { ...e, systemRef: system(2), tech: ['Redis', 'go'] } : e)),
    };
    same(changed, NOW);
    same({ ...value, entities: value.entities.filter((_, i) => i % 3 !== 0) }, NOW);
    same(value, NOW);
  });

  it('answers as the reference when the same people are asked about in other time zones (the hour kept per role is per zone)', () => {
    const value = input(14);
    // Settled first in UTC, then read again in zones whose hours of the week differ (one by only a quarter of the day).
    same(value, NOW);
    for (const zones of [['Asia/Tokyo'], ['America/New_York', 'UTC'], ['Asia/Kolkata', 'Europe/Berlin', 'Asia/Tokyo'], ['UTC']]) {
      const users = value.users.map((u, i) => ({ ...u, timeZone: zones[i % zones.length] }));
      same({ ...value, users }, NOW);
      same({ ...value, users, timeZone: 'Pacific/Auckland' }, NOW);
    }
    same({ ...value, timeZone: 'Australia/Adelaide' }, NOW);
  });

  it('answers as the reference after incidents are changed in place: roles, type, tech and entities', () => {
    const value = input(13);
    same(value, plus(NOW, DAY));
    const r = random(99);
    for (const incident of value.incidents.filter((_, n) => n % 7 === 0)) {
      incident.roles[0].userRef = user(r.int(0, USERS - 1));
      incident.roles[incident.roles.length - 1].role = r.pick(ROLES);
    }
    same(value, plus(NOW, DAY));
    for (const incident of value.incidents.filter((_, n) => n % 5 === 1)) {
      incident.incidentType = incident.incidentType === 'database' ? 'network' : 'database';
      if (incident.tech) incident.tech[0] = 'kafka';
      else incident.tech = ['postgres'];
      incident.entities[0].entityRef = entity(0);
      incident.entities[0].systemRef = incident.entities[0].systemRef ? undefined : system(1);
    }
    same(value, plus(NOW, DAY));
    for (const incident of value.incidents.filter((_, n) => n % 4 === 2)) {
      incident.entities.push({ entityRef: entity(1) });
      delete incident.tech;
      incident.roles = incident.roles.slice(1);
    }
    same(value, plus(NOW, DAY));
    same(value, NOW);
  });
});
