import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  aggregateFeedback,
  DEFAULT_REPUTATION_CONFIG,
  incidentFeedbackWindows,
  INCIDENT_ROLES,
  type IncidentRole,
  type IncidentStatus,
  type PeerFeedbackAggregate,
  type PeerFeedbackConfig,
  type PeerFeedbackResponse,
  type Severity,
} from '@majorops/plugin-majorops-common';
import { createHmac, randomBytes, randomUUID } from 'crypto';
import { Knex } from 'knex';
import { DbTimestamp, toIso } from '../database/tables';
import type { PeerFeedbackReader } from '../reputation/PeerFeedbackReader';
import { PendingSurveyRow, SurveyIncident, SurveyStore } from './SurveyStore';

interface DbPeerSurveyRow {
  id: string;
  incident_id: string;
  rater_ref: string;
  subject_ref: string;
  created_at: DbTimestamp;
  closes_at: DbTimestamp;
  answered_at: DbTimestamp | null;
}

interface DbPeerSurveyResponseRow {
  id: string;
  incident_id: string;
  subject_ref: string;
  rater_key: string;
  clear_and_calm: number;
  helped_resolution: number;
  primary_contact: number;
  comment: string | null;
}

const SECRET_SETTING = 'rater-key-secret';
const ROLE_ORDER = new Map<string, number>(INCIDENT_ROLES.map((role, i) => [role, i]));

/**
 * Peer surveys in Backstage's database, and the only reader of their
 * answers: `aggregatesFor` turns them into k-anonymous aggregates over the
 * subject's fixed windows. Answers are stored without the rater, under a
 * keyed hash of (rater, subject) that serves only to count distinct raters.
 */
export class DatabaseSurveyStore implements SurveyStore, PeerFeedbackReader {
  static create(db: Knex, options: { peerFeedback?: PeerFeedbackConfig } = {}): DatabaseSurveyStore {
    return new DatabaseSurveyStore(db, options.peerFeedback ?? DEFAULT_REPUTATION_CONFIG.peerFeedback);
  }

  private secret?: Promise<string>;

  private constructor(
    private readonly db: Knex,
    private readonly config: PeerFeedbackConfig,
  ) {}

  async getSurveyIncident(incidentId: string): Promise<SurveyIncident | undefined> {
    const row = await this.db('incidents')
      .where({ id: incidentId })
      .first('id', 'title', 'severity', 'status', 'customer_reported', 'declared_at', 'resolved_at');
    if (!row) return undefined;
    const participantRefs: string[] = await this.db('incident_roles')
      .where({ incident_id: incidentId })
      .distinct('user_ref')
      .orderBy('user_ref')
      .pluck('user_ref');
    return {
      id: row.id,
      title: row.title,
      severity: row.severity as Severity,
      status: row.status as IncidentStatus,
      customerReported: Boolean(row.customer_reported),
      declaredAt: toIso(row.declared_at),
      resolvedAt: toIso(row.resolved_at),
      participantRefs,
    };
  }

  async createSurveys(input: {
    incidentId: string;
    required: boolean;
    reason: string;
    assignments: Array<{ raterRef: string; subjectRef: string }>;
    createdAt: string;
    closesAt: string;
  }): Promise<number> {
    return this.db.transaction(async tx => {
      await tx('peer_survey_rounds')
        .insert({
          incident_id: input.incidentId,
          required: input.required,
          reason: input.reason.slice(0, 300),
          created_at: new Date(input.createdAt),
        })
        .onConflict('incident_id')
        .merge(['required', 'reason']);
      if (!input.assignments.length) return 0;
      const existing = new Set(
        (
          await tx<DbPeerSurveyRow>('peer_surveys')
            .where({ incident_id: input.incidentId })
            .select('rater_ref', 'subject_ref')
        ).map(r => JSON.stringify([r.rater_ref, r.subject_ref])),
      );
      const fresh = input.assignments.filter(a => !existing.has(JSON.stringify([a.raterRef, a.subjectRef])));
      if (!fresh.length) return 0;
      // Another instance may insert the same assignments at the same moment: the unique key decides.
      await tx('peer_surveys')
        .insert(
          fresh.map(a => ({
            id: randomUUID(),
            incident_id: input.incidentId,
            rater_ref: a.raterRef,
            subject_ref: a.subjectRef,
            created_at: new Date(input.createdAt),
            closes_at: new Date(input.closesAt),
            answered_at: null,
          })),
        )
        .onConflict(['incident_id', 'rater_ref', 'subject_ref'])
        .ignore();
      return fresh.length;
    });
  }

  async listUnsurveyedResolvedIncidents(since: string, limit: number): Promise<string[]> {
    return this.db('incidents as i')
      .whereIn('i.status', ['resolved', 'closed'])
      .whereIn('i.severity', ['SEV1', 'SEV2'])
      .where('i.resolved_at', '>=', new Date(since))
      .whereNotExists(this.db('peer_survey_rounds as r').whereRaw('r.incident_id = i.id').select(this.db.raw('1')))
      .orderBy([{ column: 'i.resolved_at' }, { column: 'i.id' }])
      .limit(limit)
      .pluck('i.id');
  }

  async listPending(raterRef: string, now: string): Promise<PendingSurveyRow[]> {
    const rows = await this.db('peer_surveys as s')
      .join('incidents as i', 'i.id', 's.incident_id')
      .where('s.rater_ref', raterRef)
      .whereNull('s.answered_at')
      .where('s.closes_at', '>', new Date(now))
      .orderBy([{ column: 's.closes_at' }, { column: 's.incident_id' }, { column: 's.subject_ref' }])
      .limit(500)
      .select('s.id', 's.incident_id', 's.subject_ref', 's.created_at', 's.closes_at', 'i.title', 'i.severity');
    if (!rows.length) return [];
    const roleRows: Array<{ incident_id: string; user_ref: string; role: string }> = await this.db('incident_roles')
      .whereIn('incident_id', [...new Set(rows.map(r => r.incident_id as string))])
      .whereIn('user_ref', [...new Set(rows.map(r => r.subject_ref as string))])
      .distinct('incident_id', 'user_ref', 'role');
    const rolesOf = new Map<string, Set<IncidentRole>>();
    for (const r of roleRows) {
      const key = JSON.stringify([r.incident_id, r.user_ref]);
      const set = rolesOf.get(key) ?? new Set<IncidentRole>();
      set.add(r.role as IncidentRole);
      rolesOf.set(key, set);
    }
    return rows.map(r => ({
      id: r.id,
      incidentId: r.incident_id,
      incidentTitle: r.title,
      severity: r.severity as Severity,
      subjectRef: r.subject_ref,
      subjectRoles: [...(rolesOf.get(JSON.stringify([r.incident_id, r.subject_ref])) ?? [])].sort(
        (a, b) => (ROLE_ORDER.get(a) ?? 99) - (ROLE_ORDER.get(b) ?? 99),
      ),
      createdAt: toIso(r.created_at),
      closesAt: toIso(r.closes_at),
    }));
  }

  async recordAnswer(input: {
    surveyId: string;
    raterRef: string;
    answers: { clearAndCalm: number; helpedResolution: number; primaryContact: number };
    comment?: string;
    now: string;
  }): Promise<void> {
    const secret = await this.raterKeySecret();
    await this.db.transaction(async tx => {
      const survey = await tx<DbPeerSurveyRow>('peer_surveys').where({ id: input.surveyId }).first();
      // Someone else's survey looks exactly like one that does not exist.
      if (!survey || survey.rater_ref !== input.raterRef) {
        throw new NotFoundError(`You have no survey ${input.surveyId}`);
      }
      if (survey.answered_at !== null && survey.answered_at !== undefined) {
        throw new ConflictError('You answered this survey already; an answer cannot be changed');
      }
      if (Date.parse(input.now) >= Date.parse(toIso(survey.closes_at))) {
        throw new ConflictError(`This survey closed at ${toIso(survey.closes_at)}`);
      }
      const updated = await tx('peer_surveys')
        .where({ id: input.surveyId })
        .whereNull('answered_at')
        .update({ answered_at: new Date(input.now) });
      if (updated !== 1) {
        throw new ConflictError('You answered this survey already; an answer cannot be changed');
      }
      const comment = input.comment?.trim();
      await tx<DbPeerSurveyResponseRow>('peer_survey_responses').insert({
        id: randomUUID(),
        incident_id: survey.incident_id,
        subject_ref: survey.subject_ref,
        rater_key: raterKey(secret, input.raterRef, survey.subject_ref),
        clear_and_calm: input.answers.clearAndCalm,
        helped_resolution: input.answers.helpedResolution,
        primary_contact: input.answers.primaryContact,
        comment: comment ? comment : null,
      });
    });
  }

  /**
   * The subject's fixed windows (blocks of the incidents they were surveyed
   * about, as -common's `incidentFeedbackWindows` cuts them), newest first,
   * each aggregated by -common's `aggregateFeedback`: suppressed below k
   * distinct raters or while its surveys are open. Comments only with
   * `includeComments`.
   */
  async aggregatesFor(
    subjectRef: string,
    now: string,
    options: { includeComments: boolean },
  ): Promise<PeerFeedbackAggregate[]> {
    return (await this.aggregatesForMany([subjectRef], now, options)).get(subjectRef) ?? [];
  }

  /**
   * {@link aggregatesFor} of several subjects in two queries (one when none of
   * them has been surveyed), for the ledger's recompute of everyone.
   */
  async aggregatesForMany(
    subjectRefs: string[],
    now: string,
    options: { includeComments: boolean },
  ): Promise<Map<string, PeerFeedbackAggregate[]>> {
    const result = new Map<string, PeerFeedbackAggregate[]>(subjectRefs.map(ref => [ref, []]));
    if (subjectRefs.length === 0) return result;
    const n = this.config.incidentsPerWindow;
    const surveyed: Array<{ subject_ref: string; id: string; declared_at: DbTimestamp; resolved_at: DbTimestamp | null }> =
      await this.db('peer_surveys as s')
        .join('incidents as i', 'i.id', 's.incident_id')
        .whereIn('s.subject_ref', subjectRefs)
        .distinct('s.subject_ref', 'i.id', 'i.declared_at', 'i.resolved_at');
    const windowsOf = new Map<string, ReturnType<typeof incidentFeedbackWindows>>();
    for (const [ref, incidents] of groupBy(surveyed, row => row.subject_ref)) {
      const windows = incidentFeedbackWindows(
        ref,
        incidents.map(i => ({ incidentId: i.id, declaredAt: toIso(i.declared_at), resolvedAt: toIso(i.resolved_at) })),
        n,
      );
      if (windows.length) windowsOf.set(ref, windows);
    }
    if (windowsOf.size === 0) return result;
    const rows: Array<DbPeerSurveyResponseRow & { declared_at: DbTimestamp }> = await this.db('peer_survey_responses as r')
      .join('incidents as i', 'i.id', 'r.incident_id')
      .whereIn('r.subject_ref', [...windowsOf.keys()])
      .select('r.*', 'i.declared_at');
    const rowsOf = groupBy(rows, r => r.subject_ref);
    for (const [ref, windows] of windowsOf) {
      // The rater is only ever known as the keyed hash; it is used to count, never returned.
      const responses: PeerFeedbackResponse[] = (rowsOf.get(ref) ?? []).map(r => ({
          incidentId: r.incident_id,
          subjectRef: r.subject_ref,
          raterRef: `rater:${r.rater_key}`,
          incidentAt: toIso(r.declared_at),
          answers: {
            clearAndCalm: Number(r.clear_and_calm),
            helpedResolution: Number(r.helped_resolution),
            primaryContact: Number(r.primary_contact),
          },
          comment: r.comment ?? undefined,
        }));
      result.set(
        ref,
        windows
          .reverse()
          .map(window => aggregateFeedback(responses, window, { k: this.config.minRaters, now, incidentsPerWindow: n }))
          .map(aggregate => (aggregate.suppressed || options.includeComments ? aggregate : { ...aggregate, comments: [] })),
      );
    }
    return result;
  }

  /** The secret of the rater hash: made by the migration, or here once if it is missing. */
  private raterKeySecret(): Promise<string> {
    this.secret ??= (async () => {
      const read = () => this.db('peer_survey_settings').where({ name: SECRET_SETTING }).first('value');
      let row = await read();
      if (!row) {
        await this.db('peer_survey_settings')
          .insert({ name: SECRET_SETTING, value: randomBytes(32).toString('hex') })
          .onConflict('name')
          .ignore();
        row = await read();
      }
      return String(row.value);
    })();
    this.secret.catch(() => {
      this.secret = undefined;
    });
    return this.secret;
  }
}

/** Items by key, each list in the order given. */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** HMAC-SHA256 of (rater, subject): the same pair gives the same key, nothing leads back to the rater. */
function raterKey(secret: string, raterRef: string, subjectRef: string): string {
  return createHmac('sha256', secret).update(JSON.stringify([raterRef, subjectRef])).digest('hex');
}
