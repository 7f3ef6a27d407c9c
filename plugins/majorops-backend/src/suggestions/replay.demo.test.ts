import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../tests/testDatabases';
import {
  AssignmentEntity,
  AssignmentHistory,
  AssignmentUser,
  buildReplayInput,
  DEFAULT_ASSIGNMENT_CONFIG,
  mergeAssignmentConfig,
  parseAnnotationList,
  replaySuggestions,
  ReplayIncident,
} from '@majorops/plugin-majorops-common';
import fs from 'fs/promises';
import { Knex } from 'knex';
import path from 'path';
import { parse as parseYaml } from 'yaml';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { DatabasePostmortemStore } from '../database/DatabasePostmortemStore';
import { DatabaseRunbookStore } from '../database/DatabaseRunbookStore';
import { DatabaseReputationStore } from '../reputation/DatabaseReputationStore';
import { loadDemoData } from '../service/demoData';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(120_000);

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
const now = new Date('2026-11-23T10:00:00.000Z');

function parseYamlDocuments(text: string): any[] {
  return text
    .split(/^---$/m)
    .map(part => parseYaml(part))
    .filter(Boolean);
}

/** `payments`, `group:payments` or `group:default/payments` as a full ref of `kind`. */
function fullRef(value: string, kind: string): string {
  const [k, rest] = value.includes(':') ? value.split(':', 2) : [kind, value];
  return `${k}:${rest.includes('/') ? rest : `default/${rest}`}`.toLowerCase();
}

/** The example organisation and entities, as the catalog would give them to the engine. */
async function catalogOfExamples(): Promise<{ users: AssignmentUser[]; entities: AssignmentEntity[] }> {
  const org = parseYamlDocuments(await fs.readFile(path.join(EXAMPLES, 'org.yaml'), 'utf8'));
  const entities = parseYamlDocuments(await fs.readFile(path.join(EXAMPLES, 'entities.yaml'), 'utf8'));
  return {
    users: org
      .filter(doc => doc.kind === 'User')
      .map(doc => ({
        userRef: `user:default/${doc.metadata.name}`,
        displayName: doc.spec?.profile?.displayName,
        memberOf: (doc.spec?.memberOf ?? []).map((g: string) => fullRef(g, 'group')),
      })),
    entities: entities
      .filter(doc => doc?.kind && doc.kind !== 'Location')
      .map(doc => {
        const tech = parseAnnotationList(doc.metadata.annotations?.['majorops.dev/tech']);
        return {
          entityRef: `${String(doc.kind).toLowerCase()}:default/${doc.metadata.name}`,
          ...(doc.spec?.owner ? { ownerRef: fullRef(doc.spec.owner, 'group') } : {}),
          ...(doc.spec?.system ? { systemRef: fullRef(doc.spec.system, 'system') } : {}),
          ...(tech.length ? { tech } : {}),
        };
      }),
  };
}

/**
 * The demo history has training records (each counted only from its
 * completion, and until it expires) but no reputation snapshots over time,
 * so every score in the past is unknown. The replay keeps the incident-count
 * and training requirements and the eligibility table, and drops the score minima.
 */
const replayConfig = mergeAssignmentConfig({
  levels: {
    requirements: Object.fromEntries(
      Object.entries(DEFAULT_ASSIGNMENT_CONFIG.levels.requirements).map(([level, r]) => [level, { ...r, minScore: 0 }]),
    ) as unknown as typeof DEFAULT_ASSIGNMENT_CONFIG.levels.requirements,
  },
});

/** As {@link replayConfig}, without the training requirements either (the figure before the demo had training). */
const noTrainingConfig = mergeAssignmentConfig({
  levels: {
    requirements: Object.fromEntries(
      Object.entries(DEFAULT_ASSIGNMENT_CONFIG.levels.requirements).map(([level, r]) => [level, { ...r, trainings: [], minScore: 0 }]),
    ) as unknown as typeof DEFAULT_ASSIGNMENT_CONFIG.levels.requirements,
  },
});

/**
 * Levels from training alone: the incident-count and score minima dropped,
 * the training requirements and the eligibility table kept. The demo history
 * (39 incidents) is far too short for anyone to reach the counts of level 4;
 * this shows what the training gates and the ranking do together. The demo's
 * training records were written for the people who command in it, so a hit
 * here says little about prediction.
 */
const trainingOnlyConfig = mergeAssignmentConfig({
  levels: {
    requirements: Object.fromEntries(
      Object.entries(DEFAULT_ASSIGNMENT_CONFIG.levels.requirements).map(([level, r]) => [
        level,
        { ...r, minIncidents: 0, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 0 },
      ]),
    ) as unknown as typeof DEFAULT_ASSIGNMENT_CONFIG.levels.requirements,
  },
});

/**
 * The ranking alone: anyone with one incident on record may be suggested for
 * any role, so that the figure says how well the engine orders people even
 * where the demo history is too short for anyone to reach level 4 or 5.
 */
const allRoles = { 'incident-commander': 1, 'communications-lead': 1, 'technical-lead': 1, 'operations-chief': 1, scribe: 1 };
const unreachable = { minIncidents: 100000, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 0, trainings: [] };
const rankingOnlyConfig = mergeAssignmentConfig({
  levels: {
    requirements: { 1: { ...unreachable, minIncidents: 1 }, 2: unreachable, 3: unreachable, 4: unreachable, 5: unreachable },
    eligibility: { SEV1: allRoles, SEV2: allRoles, SEV3: allRoles, SEV4: allRoles },
  } as any,
});

describe('offline replay of the assignment engine over the demo history', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('uses only facts known before each incident, and reports the top-3 hit rate, on %p', async databaseId => {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const reputationStore = DatabaseReputationStore.create(knex);
    await loadDemoData({
      store: DatabaseIncidentStore.create(knex),
      postmortems: DatabasePostmortemStore.create(knex),
      runbooks: DatabaseRunbookStore.create(knex),
      reputation: reputationStore,
      path: path.join(EXAMPLES, 'majorops-demo-data.yaml'),
      logger: mockServices.logger.mock(),
      now,
    });
    const catalog = await catalogOfExamples();
    const incidents: ReplayIncident[] = (await DatabaseSuggestionStore.create(knex).listAllIncidents()).map(
      ({ externalCause: _external, ...incident }) => incident,
    );
    const trainings: NonNullable<AssignmentHistory['trainings']> = [];
    for (const user of catalog.users) {
      for (const record of await reputationStore.listTraining(user.userRef)) {
        trainings.push({
          userRef: user.userRef,
          kind: record.kind,
          issuer: record.issuer,
          completedAt: record.completedAt,
          ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
        });
      }
    }
    expect(trainings.length).toBeGreaterThan(10);
    const history: AssignmentHistory = { ...catalog, incidents, trainings };
    const major = incidents.filter(i => i.severity === 'SEV1' || i.severity === 'SEV2');
    expect(major.length).toBeGreaterThan(5);

    // No peeking: every fact in the input of an incident's replay predates its declaration.
    const leaks: string[] = [];
    for (const incident of major) {
      const { input, now: at } = buildReplayInput(history, incident, replayConfig);
      const cutoff = Date.parse(incident.declaredAt);
      expect(Date.parse(at)).toBe(cutoff);
      for (const known of input.incidents) {
        const late = (field: string, value: string | undefined) => {
          if (value !== undefined && Date.parse(value) >= cutoff) leaks.push(`${incident.id}: ${known.id}.${field} ${value}`);
        };
        if (known.id === incident.id) leaks.push(`${incident.id}: the incident itself is in its own history`);
        late('declaredAt', known.declaredAt);
        late('resolvedAt', known.resolvedAt);
        late('reopenedAt', known.reopenedAt);
        late('repeatLinkedAt', known.repeatLinkedAt);
        known.roles.forEach((r, i) => {
          late(`roles[${i}].assignedAt`, r.assignedAt);
          late(`roles[${i}].releasedAt`, r.releasedAt);
        });
      }
    }
    expect(leaks).toEqual([]);
    // Nor do trainings completed at or after the declaration: the input is the same without them.
    for (const incident of major) {
      const cutoff = Date.parse(incident.declaredAt);
      const earlier = trainings.filter(t => Date.parse(t.completedAt) < cutoff);
      expect(buildReplayInput(history, incident, replayConfig).input).toEqual(
        buildReplayInput({ ...history, trainings: earlier }, incident, replayConfig).input,
      );
    }
    // Without the training records, the training requirements leave nobody eligible.
    const withoutTraining = replaySuggestions({ ...history, trainings: [] }, { config: replayConfig });
    expect(withoutTraining.perIncident.every(p => p.suggested.length === 0)).toBe(true);
    const trainingDropped = replaySuggestions(history, { config: noTrainingConfig });
    const trainingOnly = replaySuggestions(history, { config: trainingOnlyConfig });
    for (const incident of major) {
      const cutoff = Date.parse(incident.declaredAt);
      const earlier = trainings.filter(t => Date.parse(t.completedAt) < cutoff);
      expect(buildReplayInput(history, incident, trainingOnlyConfig).input).toEqual(
        buildReplayInput({ ...history, trainings: earlier }, incident, trainingOnlyConfig).input,
      );
    }

    const thresholds = replaySuggestions(history, { config: replayConfig });
    expect(thresholds.perIncident.map(p => p.incidentId)).toEqual(major.map(i => i.id).sort((a, b) => {
      const order = (id: string) => major.findIndex(m => m.id === id);
      return order(a) - order(b);
    }));
    const result = replaySuggestions(history, { config: rankingOnlyConfig });
    expect(result.perIncident).toHaveLength(major.length);
    expect(result.evaluated).toBeGreaterThan(0);
    for (const item of result.perIncident) expect(item.suggested.length).toBeLessThanOrEqual(3);
    const lines = result.perIncident.map(
      p => `| ${p.declaredAt.slice(0, 10)} | ${p.severity} | ${p.expectedRef ?? '—'} | ${p.suggested.map(s => s.userRef.replace('user:default/', '')).join(', ') || '—'} | ${p.hit ? `yes (${p.rank})` : 'no'} |`,
    );
    // eslint-disable-next-line no-console
    const line = (name: string, r: typeof result) =>
      `Replay on ${databaseId}, ${name}: ${r.hits} of ${r.evaluated} hits (hit rate ${r.hitRate}); ` +
      `${r.perIncident.filter(p => p.suggested.length === 0).length} incidents with nobody eligible; ` +
      `${r.perIncident.reduce((n, p) => n + p.suggested.length, 0)} suggestions in all.\n`;
    const trainingOnlyLines = trainingOnly.perIncident.map(
      p => `| ${p.declaredAt.slice(0, 10)} | ${p.severity} | ${p.expectedRef ?? '—'} | ${p.suggested.map(s => s.userRef.replace('user:default/', '')).join(', ') || '—'} | ${p.hit ? `yes (${p.rank})` : 'no'} |`,
    );
    console.log(
      line('default thresholds with training (score minima dropped)', thresholds) +
        line('default thresholds, training and score minima dropped', trainingDropped) +
        line('levels from training alone (incident-count and score minima dropped)', trainingOnly) +
        `| declared | severity | actual commander | suggested top 3 | hit |\n|---|---|---|---|---|\n${trainingOnlyLines.join('\n')}\n` +
        `Replay on ${databaseId}, ranking only: ${result.hits} of ${result.evaluated} SEV1/SEV2 incidents had their actual commander in the top 3 (hit rate ${result.hitRate}).\n` +
        `| declared | severity | actual commander | suggested top 3 | hit |\n|---|---|---|---|---|\n${lines.join('\n')}`,
    );
    await knex.destroy();
  });
});
