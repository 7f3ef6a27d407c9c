import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  BurnoutPeriod,
  computeChampionBadge,
  computeLevel,
  computeReputation,
  computeWorkload,
  DEFAULT_SEVERITY_MATRIX,
  deriveIncidentEvents,
  deriveKnowledgeContribution,
  derivePeerFeedback,
  GroupRanking,
  INCIDENT_ROLE_TITLES,
  LedgerEntry,
  LevelIncident,
  mentoringCredits,
  Page,
  PeerFeedbackAggregate,
  RankingEntry,
  ReputationConfig,
  ReputationView,
  SeverityMatrix,
  TrainingRecordView,
  WorkloadReport,
  type IncidentRole,
} from '@majorops/plugin-majorops-common';
import type { IncidentStore } from '../database/IncidentStore';
import type { PeerFeedbackReader } from './PeerFeedbackReader';
import { ReputationSummaryCache } from './ReputationSummaryCache';
import { ReputationSummary, ReputationSummaryReader, summaryFromView } from './ReputationSummaryReader';
import { KeyedKnowledgeFact, KeyedLedgerEvent, KNOWLEDGE_LEDGER_SOURCES, ReputationStore, ResponderRoleRecord } from './ReputationStore';
import type { RecordTrainingBody, SuspendResponderBody } from './reputationSchemas';
import { responderFactsOf } from './responderFacts';

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** The workload shown beside the score. */
const WORKLOAD_WEEKS = 8;
/** How far back flagged burnout weeks damp response-speed penalties. */
const BURNOUT_LOOKBACK_WEEKS = 26;
/** The incremental update re-reads this much before its watermark, for clocks of several instances that disagree a little. */
const WATERMARK_OVERLAP_MS = 2 * 60 * 1000;
const INCIDENT_BATCH = 1000;
/** Peer feedback aggregates read at once while deriving people's events. */
const USER_BATCH = 200;
export const LEDGER_WATERMARK = 'ledger';
/** The ledger sources replaced per person: peacetime work and peer feedback. */
const PERSON_SOURCES = [...KNOWLEDGE_LEDGER_SOURCES, 'survey'] as const;

export interface ReputationServiceOptions {
  store: ReputationStore;
  incidents: Pick<IncidentStore, 'getParticipation'>;
  /** Counts of peacetime work for the view (`PostmortemService.knowledgeContributions`). */
  knowledgeContributions(userRef: string): Promise<Omit<ReputationView['contributions'], 'shadowsMentored'>>;
  config: ReputationConfig;
  severityMatrix?: SeverityMatrix;
  /** Peer feedback aggregates; without a reader nobody has feedback yet. */
  peerFeedback?: PeerFeedbackReader;
  logger: LoggerService;
  now?: () => string;
  /** The summaries kept in process for `summariesOf` (see {@link ReputationSummaryCache}); the clock is for tests. */
  summaryCache?: { maxEntries?: number; noRecordSeconds?: number; clock?: () => number };
}

export interface LedgerRunResult {
  incidents: number;
  people: number;
  events: number;
  /** The people whose ledger was recomputed. */
  userRefs: string[];
}

/** Everything computed about one person at one moment, shared by the view and the ranking. */
interface Assessment {
  reputation: ReputationView['reputation'];
  level: ReputationView['level'];
  badge: ReputationView['badge'];
  workload: WorkloadReport;
  training: TrainingRecordView[];
  peerFeedback: PeerFeedbackAggregate[];
  /** Mentoring events in the ledger. */
  shadowsMentored: number;
}

/**
 * The Response Reputation Score on stored data: derives the ledger from
 * incidents, post-mortems, runbooks and peer feedback with the -common rules
 * (fully, or incrementally from a watermark), and computes each person's
 * score, level, badge and workload from it. Training records and suspensions
 * are written here.
 */
export class ReputationService implements ReputationSummaryReader {
  private readonly now: () => string;
  private readonly matrix: SeverityMatrix;

  private readonly summaryCache: ReputationSummaryCache;

  constructor(private readonly options: ReputationServiceOptions) {
    this.now = options.now ?? (() => new Date().toISOString());
    const cache = options.summaryCache ?? {};
    this.summaryCache = new ReputationSummaryCache({
      maxEntries: cache.maxEntries ?? 20_000,
      noRecordMs: (cache.noRecordSeconds ?? 300) * 1000,
      now: cache.clock,
    });
    this.matrix = options.severityMatrix ?? DEFAULT_SEVERITY_MATRIX;
  }

  // -------------------------------------------------------------------------
  // The ledger

  /**
   * Derives the events of these incidents and hands them to `write` batch by
   * batch; returns the people they concern.
   */
  private async deriveIncidents(
    ids: string[],
    write: (batch: string[], events: KeyedLedgerEvent[]) => Promise<void>,
  ): Promise<{ people: Set<string>; events: number }> {
    const people = new Set<string>();
    let count = 0;
    for (let i = 0; i < ids.length; i += INCIDENT_BATCH) {
      const batch = ids.slice(i, i + INCIDENT_BATCH);
      const records = await this.options.store.loadIncidents(batch);
      const events: KeyedLedgerEvent[] = [];
      for (const record of records) {
        for (const facts of responderFactsOf(record)) {
          people.add(facts.userRef);
          for (const event of deriveIncidentEvents(facts, this.options.config.derivation, this.matrix)) {
            // The derived event is this loop's own: keyed in place rather than copied.
            const keyed = event as KeyedLedgerEvent;
            keyed.sourceKey = `incident:${record.id}:${facts.userRef}:${event.metric}`;
            events.push(keyed);
          }
        }
      }
      await write(batch, events);
      count += events.length;
    }
    return { people, events: count };
  }

  /**
   * Derives the peacetime work and peer feedback events of these people and
   * hands them to `write`. Their peacetime work is read batch by batch, or
   * taken from `knowledge` (everyone's, as `loadKnowledgeFacts()` gives it)
   * when the caller has read it already.
   */
  private async derivePeople(
    userRefs: string[],
    computedAt: string,
    write: (batch: string[], events: KeyedLedgerEvent[]) => Promise<void>,
    knowledge?: KeyedKnowledgeFact[],
  ): Promise<number> {
    let count = 0;
    const { config, peerFeedback } = this.options;
    // The facts of each batch in the order read (by source key), as the store gives a batch's facts.
    const factsByBatch = new Map<number, KeyedKnowledgeFact[]>();
    if (knowledge) {
      const batchOf = new Map(userRefs.map((ref, i) => [ref, Math.floor(i / USER_BATCH)]));
      for (const fact of knowledge) {
        const batch = batchOf.get(fact.userRef);
        if (batch === undefined) continue;
        let list = factsByBatch.get(batch);
        if (!list) factsByBatch.set(batch, (list = []));
        list.push(fact);
      }
    }
    for (let i = 0; i < userRefs.length; i += USER_BATCH) {
      const batch = userRefs.slice(i, i + USER_BATCH);
      const facts = knowledge ? (factsByBatch.get(i / USER_BATCH) ?? []) : await this.knowledgeFactsOf(batch);
      const events: KeyedLedgerEvent[] = [];
      for (const fact of facts) {
        for (const event of deriveKnowledgeContribution([fact], config.derivation)) {
          events.push({ ...event, sourceKey: `knowledge:${fact.sourceKey}:${fact.userRef}` });
        }
      }
      if (peerFeedback) {
        // The batch's aggregates in two queries, not two per person.
        const aggregates = await peerFeedback.aggregatesForMany(batch, computedAt, { includeComments: false });
        for (const userRef of batch) {
          for (const aggregate of aggregates.get(userRef) ?? []) {
            for (const event of derivePeerFeedback(userRef, aggregate, config.derivation)) {
              events.push({ ...event, sourceKey: `survey:${aggregate.window.id}` });
            }
          }
        }
      }
      await write(batch, events);
      count += events.length;
    }
    return count;
  }

  /**
   * Peacetime work (of these people, or everyone's), by source key: what the
   * store records, and mentoring, worked out here from who held and who
   * shadowed each role (-common's `mentoringCredits`).
   */
  private async knowledgeFactsOf(userRefs?: string[]): Promise<KeyedKnowledgeFact[]> {
    const { store, config } = this.options;
    const [facts, shadowed] = await Promise.all([store.loadKnowledgeFacts(userRefs), store.loadShadowedIncidents(userRefs)]);
    const wanted = userRefs && new Set(userRefs);
    for (const incident of shadowed) {
      const credits = mentoringCredits(incident.holders, incident.shadows, incident.resolvedAt, config.derivation.mentoringMinMinutes);
      for (const credit of credits) {
        if (wanted && !wanted.has(credit.mentorRef)) continue;
        facts.push({
          sourceKey: `mentoring:${incident.incidentId}:${credit.menteeRef}`,
          userRef: credit.mentorRef,
          kind: 'mentoring',
          at: credit.endedAt,
          subject: `${incident.incidentId} (${incident.title}), where they shadowed the ${INCIDENT_ROLE_TITLES[credit.role]} for ${credit.minutes} min`,
          mentoredUserRef: credit.menteeRef,
        });
      }
    }
    return facts.sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0));
  }

  /**
   * Rebuilds the whole ledger from the records. Deterministic: the same
   * records give the same ledger. The new ledger is written beside the one
   * readers see and replaces it in one step at the end, so nobody reads a
   * half-built ledger; the watermark moves to the start of the run.
   */
  async recomputeAll(): Promise<LedgerRunResult> {
    const { store } = this.options;
    const computedAt = this.now();
    const generation = await store.beginRebuild();
    // One write in flight while the next batch is loaded and derived: the
    // database and this process work at the same time. A failed write
    // surfaces at the next batch or at the end.
    let writing: Promise<void> = Promise.resolve();
    const append = async (_batch: string[], events: KeyedLedgerEvent[]) => {
      await writing;
      writing = store.appendEvents(generation, events, computedAt);
      writing.catch(() => {});
    };
    const people = new Set<string>();
    let incidents = 0;
    let events = 0;
    let after: string | undefined;
    for (;;) {
      const ids = await store.listIncidentIds(after, INCIDENT_BATCH * 4);
      if (ids.length === 0) break;
      const result = await this.deriveIncidents(ids, append);
      result.people.forEach(p => people.add(p));
      incidents += ids.length;
      events += result.events;
      after = ids[ids.length - 1];
    }
    // Everyone's peacetime work in one read: it names the people with some, and is derived batch by batch below.
    const knowledge = await this.knowledgeFactsOf();
    for (const fact of knowledge) people.add(fact.userRef);
    events += await this.derivePeople([...people].sort(), computedAt, append, knowledge);
    await writing;
    await store.finishRebuild(generation, computedAt);
    await store.setWatermark(LEDGER_WATERMARK, new Date(computedAt));
    return { incidents, people: people.size, events, userRefs: [...people].sort() };
  }

  /**
   * Brings the ledger up to date: recomputes only the incidents whose records
   * changed since the watermark (their participants' events) and the
   * peacetime work of the people whose work changed. Without a watermark
   * (first run) it rebuilds everything. Safe to repeat: every write replaces
   * by source key.
   */
  async updateIncrementally(): Promise<LedgerRunResult> {
    const watermark = await this.options.store.getWatermark(LEDGER_WATERMARK);
    if (!watermark) return this.recomputeAll();
    await this.options.store.dropRetiredGenerations();
    const computedAt = this.now();
    const changes = await this.options.store.changedSince(new Date(watermark.getTime() - WATERMARK_OVERLAP_MS));
    const { store } = this.options;
    const result = await this.deriveIncidents(changes.incidentIds, (batch, events) =>
      store.replaceIncidentEvents(batch, events, computedAt),
    );
    const people = new Set(changes.knowledgeUserRefs);
    if (this.options.peerFeedback) result.people.forEach(p => people.add(p));
    const personEvents = await this.derivePeople([...people].sort(), computedAt, (batch, events) =>
      store.replaceUserEvents(batch, PERSON_SOURCES, events, computedAt),
    );
    await this.options.store.setWatermark(LEDGER_WATERMARK, new Date(computedAt));
    return {
      incidents: changes.incidentIds.length,
      people: new Set([...result.people, ...people]).size,
      events: result.events + personEvents,
      userRefs: [...new Set([...result.people, ...people])].sort(),
    };
  }

  listLedger(userRef: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>> {
    return this.options.store.listLedger(userRef, page);
  }

  // -------------------------------------------------------------------------
  // Views

  private workloadOf(userRef: string, roles: ResponderRoleRecord[], now: string, weeks: number): WorkloadReport {
    const firstAssigned = new Map<string, string>();
    for (const role of roles) {
      const known = firstAssigned.get(role.incidentId);
      if (!known || Date.parse(role.assignedAt) < Date.parse(known)) firstAssigned.set(role.incidentId, role.assignedAt);
    }
    const nowMs = Date.parse(now);
    return computeWorkload(
      {
        userRef,
        // Paged: the moment the person was first brought onto each incident.
        pages: [...firstAssigned.values()],
        engagements: roles
          .map(r => ({ incidentId: r.incidentId, severity: r.severity, start: r.assignedAt, end: r.releasedAt ?? r.resolvedAt }))
          .filter(e => e.end === undefined || Date.parse(e.end) > Date.parse(e.start))
          .filter(e => Date.parse(e.start) < nowMs),
      },
      { from: new Date(nowMs - weeks * 7 * MS_PER_DAY).toISOString(), to: now, config: this.options.config.workload },
    );
  }

  private async assess(userRef: string, now: string, includeComments: boolean): Promise<Assessment> {
    const { store, config, peerFeedback } = this.options;
    const [events, roles, training, suspensions, feedback] = await Promise.all([
      store.listEvents(userRef),
      store.listRoleRecords(userRef),
      store.listTraining(userRef),
      store.listSuspensions(userRef),
      peerFeedback ? peerFeedback.aggregatesFor(userRef, now, { includeComments }) : Promise.resolve([]),
    ]);
    const burnout: BurnoutPeriod[] = this.workloadOf(userRef, roles, now, BURNOUT_LOOKBACK_WEEKS).flaggedPeriods.map(p => ({
      userRef,
      from: p.from,
      to: p.to,
    }));
    const reputation = computeReputation(events, now, config.score, burnout);

    const byIncident = new Map<string, LevelIncident & { at: string }>();
    for (const role of roles) {
      const known = byIncident.get(role.incidentId);
      if (known) {
        if (!known.roles.includes(role.role)) known.roles.push(role.role as IncidentRole);
      } else {
        byIncident.set(role.incidentId, { incidentId: role.incidentId, severity: role.severity, roles: [role.role], at: role.declaredAt });
      }
    }
    const incidents = [...byIncident.values()];
    const level = computeLevel(
      {
        incidents: incidents.map(({ at: _at, ...incident }) => incident),
        score: reputation.score,
        trainings: training,
        suspensions: suspensions.map(s => ({
          reason: s.reason,
          setBy: s.setBy,
          setAt: s.setAt,
          reviewAt: s.reviewAt,
          ...(s.liftedAt ? { liftedAt: s.liftedAt } : {}),
        })),
      },
      now,
      config.levels,
    );
    const badge = computeChampionBadge(
      {
        participations: incidents.map(i => ({ incidentId: i.incidentId, severity: i.severity, at: i.at })),
        feedback,
        responseSpeed: reputation.metrics.responseSpeed.value,
        communicationQuality: reputation.metrics.communicationQuality.value,
        events,
      },
      now,
      config.badge,
    );
    return {
      reputation,
      level,
      badge,
      workload: this.workloadOf(userRef, roles, now, WORKLOAD_WEEKS),
      training,
      peerFeedback: feedback,
      shadowsMentored: events.filter(e => e.source === 'mentoring').length,
    };
  }

  /** One person's reputation with its explanations; peer comments only when they read their own. */
  async reputationView(userRef: string, options: { includeComments: boolean }): Promise<ReputationView> {
    const now = this.now();
    const [assessment, participation, contributions, ledgerUpdatedAt] = await Promise.all([
      this.assess(userRef, now, options.includeComments),
      this.options.incidents.getParticipation(userRef),
      this.options.knowledgeContributions(userRef),
      this.options.store.ledgerUpdatedAt(userRef),
    ]);
    return {
      userRef,
      reputation: assessment.reputation,
      level: assessment.level,
      badge: assessment.badge,
      workload: assessment.workload,
      participation,
      contributions: { ...contributions, shadowsMentored: assessment.shadowsMentored },
      training: assessment.training,
      peerFeedback: options.includeComments
        ? assessment.peerFeedback
        : assessment.peerFeedback.map(a => (a.suppressed ? a : { ...a, comments: [] })),
      ...(ledgerUpdatedAt ? { ledgerUpdatedAt } : {}),
    };
  }

  /**
   * Stored summaries of the people among `userRefs` with a record, for
   * suggestions. Someone with a record but no summary yet (a first role
   * since the last ledger run) is summarised now and stored. Summaries read
   * before are reused while their stored computation time is the same, and
   * people without any record are not looked for again for a few minutes
   * (see {@link ReputationSummaryCache}).
   */
  async summariesOf(userRefs: string[]): Promise<Map<string, ReputationSummary>> {
    const { store } = this.options;
    const refs = [...new Set(userRefs)];
    const out = new Map<string, ReputationSummary>();
    const checkedAt = this.options.summaryCache?.clock?.() ?? Date.now();
    const times = await store.getSummaryTimes(refs);
    const toRead: string[] = [];
    const unknown: string[] = [];
    for (const ref of refs) {
      const computedAt = times.get(ref);
      if (computedAt === undefined) {
        if (!this.summaryCache.knownWithoutRecord(ref)) unknown.push(ref);
        continue;
      }
      const cached = this.summaryCache.get(ref, computedAt);
      if (cached) out.set(ref, cached);
      else toRead.push(ref);
    }
    // Read after their times: each is at least as recent as the time it is checked against next.
    for (const summary of toRead.length > 0 ? await store.getSummaries(toRead) : []) {
      this.summaryCache.set(summary);
      out.set(summary.userRef, summary);
    }
    if (unknown.length > 0) {
      const withRecords = await store.withRecords(unknown);
      this.summaryCache.setWithoutRecord(
        unknown.filter(ref => !withRecords.has(ref)),
        checkedAt,
      );
      const fresh = await this.computeSummaries([...withRecords].sort());
      await store.putSummaries(fresh);
      for (const summary of fresh) {
        this.summaryCache.set(summary);
        out.set(summary.userRef, summary);
      }
    }
    return out;
  }

  private async computeSummaries(userRefs: string[]): Promise<ReputationSummary[]> {
    const now = this.now();
    const out: ReputationSummary[] = [];
    const CONCURRENCY = 4;
    for (let i = 0; i < userRefs.length; i += CONCURRENCY) {
      const part = userRefs.slice(i, i + CONCURRENCY);
      const assessments = await Promise.all(part.map(ref => this.assess(ref, now, false)));
      assessments.forEach((a, j) => out.push(summaryFromView({ userRef: part[j], ...a }, now)));
    }
    return out;
  }

  /**
   * Recomputes and stores the summaries of these people (those with a
   * record), and of up to `staleLimit` others whose summary is older than
   * `staleAfterHours` — recency weighting and the workload window move with
   * time even when nothing new is recorded. Returns how many were stored.
   */
  async refreshSummaries(userRefs: string[], options: { staleAfterHours: number; staleLimit: number }): Promise<number> {
    const { store } = this.options;
    const before = new Date(Date.parse(this.now()) - options.staleAfterHours * 60 * 60 * 1000).toISOString();
    const stale = await store.listSummariesComputedBefore(before, options.staleLimit);
    const refs = [...(await store.withRecords([...new Set([...userRefs, ...stale])]))].sort();
    let stored = 0;
    for (let i = 0; i < refs.length; i += USER_BATCH) {
      const fresh = await this.computeSummaries(refs.slice(i, i + USER_BATCH));
      await store.putSummaries(fresh);
      stored += fresh.length;
    }
    return stored;
  }

  /** A team's members by score, each with their workload beside it. */
  async ranking(groupRef: string, members: Array<{ userRef: string; displayName?: string }>): Promise<GroupRanking> {
    const now = this.now();
    const items: RankingEntry[] = [];
    for (const member of members) {
      const { reputation, level, badge, workload } = await this.assess(member.userRef, now, false);
      const trend = reputation.trend;
      const last = trend[trend.length - 1];
      const base = trend[Math.max(0, trend.length - 4)];
      const reasons = [...new Set(workload.weeks.filter(w => w.flagged).flatMap(w => w.reasons))];
      items.push({
        userRef: member.userRef,
        ...(member.displayName ? { displayName: member.displayName } : {}),
        score: reputation.score,
        trendDelta: last && base ? last.score - base.score : 0,
        level: level.level,
        levelName: level.name,
        suspended: level.suspended,
        champion: badge.holds,
        workload: {
          pagesPerWeek: workload.totals.pagesPerWeek,
          incidentsPerWeek: workload.totals.incidentsPerWeek,
          incidentHoursPerWeek: workload.totals.incidentHoursPerWeek,
          ...(workload.totals.offHoursIncidentShare !== undefined ? { offHoursShare: workload.totals.offHoursIncidentShare } : {}),
          burnout: workload.flaggedPeriods.length > 0,
          reasons,
        },
      });
    }
    items.sort((a, b) => b.score - a.score || (a.userRef < b.userRef ? -1 : a.userRef > b.userRef ? 1 : 0));
    const flagged = items.filter(i => i.workload.burnout).length;
    return {
      groupRef,
      items,
      explanation:
        `${items.length} member${items.length === 1 ? '' : 's'} by score (0–1000), each with the last ${WORKLOAD_WEEKS} weeks of workload beside it` +
        (flagged ? `; ${flagged} with a week flagged for burnout, in which slow responses count half.` : '.') +
        ' A high score with a heavy load is a signal to share the pager, not a prize.',
    };
  }

  // -------------------------------------------------------------------------
  // Training and suspensions

  /** A new training record or suspension changes eligibility at once: the stored summary follows. */
  private async resummarise(userRef: string): Promise<void> {
    await this.options.store.putSummaries(await this.computeSummaries([userRef]));
  }

  async recordTraining(userRef: string, body: RecordTrainingBody, actorRef: string): Promise<TrainingRecordView> {
    const now = this.now();
    if (Date.parse(body.completedAt) > Date.parse(now) + 2 * 60_000) {
      throw new InputError(`completedAt (${body.completedAt}) lies in the future`);
    }
    const record = await this.options.store.addTraining({
      userRef,
      kind: body.kind,
      issuer: body.issuer,
      completedAt: body.completedAt,
      ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
      recordedBy: actorRef,
      recordedAt: now,
    });
    this.options.logger.info(`Training ${body.kind} from ${body.issuer} recorded for ${userRef} by ${actorRef}`);
    await this.resummarise(userRef);
    return record;
  }

  async suspend(userRef: string, body: SuspendResponderBody, actorRef: string): Promise<ReputationView> {
    const now = this.now();
    if (Date.parse(body.reviewAt) <= Date.parse(now)) {
      throw new InputError(`reviewAt (${body.reviewAt}) must lie in the future: it is when the retraining review is due`);
    }
    const set = await this.options.store.suspend({ userRef, reason: body.reason, setBy: actorRef, setAt: now, reviewAt: body.reviewAt });
    if (!set) throw new ConflictError(`${userRef} is already suspended; lift the suspension before setting a new one`);
    this.options.logger.info(`Suspended ${userRef} by ${actorRef} until review at ${body.reviewAt}: ${body.reason}`);
    await this.resummarise(userRef);
    return this.reputationView(userRef, { includeComments: actorRef === userRef });
  }

  async liftSuspension(userRef: string, note: string, actorRef: string): Promise<ReputationView> {
    const lifted = await this.options.store.lift(userRef, { liftedBy: actorRef, liftedAt: this.now(), note });
    if (!lifted) throw new ConflictError(`${userRef} is not suspended`);
    this.options.logger.info(`Lifted the suspension of ${userRef} by ${actorRef}: ${note}`);
    await this.resummarise(userRef);
    return this.reputationView(userRef, { includeComments: actorRef === userRef });
  }
}
