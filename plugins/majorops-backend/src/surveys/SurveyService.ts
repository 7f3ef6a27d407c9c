import type { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  PEER_FEEDBACK_QUESTIONS,
  PEER_SURVEY_OPEN_DAYS,
  peerFeedbackQuestionText,
  peerSurveyAssignments,
  surveyRequired,
  type PeerFeedbackConfig,
  type PeerFeedbackAnswers,
  type PendingSurvey,
} from '@majorops/plugin-majorops-common';
import { SurveyStore } from './SurveyStore';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The safety net looks this far back; an older incident's surveys would be closed already. */
const SWEEP_LOOKBACK_MS = PEER_SURVEY_OPEN_DAYS * DAY;

/**
 * The post-incident peer survey (seed 000, "The Feedback Loop"): creates the
 * surveys when a SEV1 or a significant SEV2 is resolved, lists a person's
 * open surveys and stores their answers. Answers only leave the database as
 * aggregates, through the store's `PeerFeedbackReader`.
 *
 * Notifications: where the Backstage notifications plugin is installed, each
 * rater would be sent one notification per incident linking to the survey
 * page. It is not installed in this portal, so raters find their surveys on
 * the survey page (GET /surveys/pending).
 */
export class SurveyService {
  constructor(
    private readonly options: {
      store: SurveyStore;
      catalog: CatalogService;
      config: PeerFeedbackConfig;
      logger?: LoggerService;
      clock?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /**
   * Creates the surveys of a resolved incident when the rule asks for them:
   * each participant rates each other participant once. Idempotent.
   */
  async createForIncident(incidentId: string): Promise<{ required: boolean; reason: string; created: number }> {
    const incident = await this.options.store.getSurveyIncident(incidentId);
    if (!incident || !incident.resolvedAt || (incident.status !== 'resolved' && incident.status !== 'closed')) {
      return { required: false, reason: 'The incident is not resolved.', created: 0 };
    }
    const resolvedAt = Date.parse(incident.resolvedAt);
    const { required, reason } = surveyRequired(
      incident.severity,
      {
        durationMinutes: (resolvedAt - Date.parse(incident.declaredAt)) / MINUTE,
        customerReported: incident.customerReported,
      },
      this.options.config,
    );
    const created = await this.options.store.createSurveys({
      incidentId,
      required,
      reason,
      assignments: required ? peerSurveyAssignments(incident.participantRefs) : [],
      createdAt: this.now().toISOString(),
      // Open for PEER_SURVEY_OPEN_DAYS after resolution, as the feedback windows expect.
      closesAt: new Date(resolvedAt + PEER_SURVEY_OPEN_DAYS * DAY).toISOString(),
    });
    if (created) {
      this.options.logger?.info(`Created ${created} peer surveys for incident ${incidentId}`);
    }
    return { required, reason, created };
  }

  /**
   * The safety net behind the "resolved" listener: every SEV1/SEV2 resolved
   * in the last PEER_SURVEY_OPEN_DAYS that was never looked at. Returns how
   * many surveys it created.
   */
  async sweep(): Promise<number> {
    const since = new Date(this.now().getTime() - SWEEP_LOOKBACK_MS).toISOString();
    let created = 0;
    for (const id of await this.options.store.listUnsurveyedResolvedIncidents(since, 100)) {
      created += (await this.createForIncident(id)).created;
    }
    return created;
  }

  /** The user's open, unanswered surveys, each with its three questions naming the colleague. */
  async listPending(userRef: string, credentials: BackstageCredentials): Promise<PendingSurvey[]> {
    const rows = await this.options.store.listPending(userRef, this.now().toISOString());
    if (!rows.length) return [];
    const subjectRefs = [...new Set(rows.map(r => r.subjectRef))];
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: subjectRefs, fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile.displayName'] },
      { credentials },
    );
    const names = new Map(subjectRefs.map((ref, i) => [ref, displayName(ref, items[i])]));
    return rows.map(row => ({
      ...row,
      questions: PEER_FEEDBACK_QUESTIONS.map(q => ({
        id: q.id,
        text: peerFeedbackQuestionText(q.id, names.get(row.subjectRef)!),
      })),
    }));
  }

  /** Stores the user's answer to their own open survey, once. */
  async answer(surveyId: string, userRef: string, body: { answers: PeerFeedbackAnswers; comment?: string }): Promise<void> {
    await this.options.store.recordAnswer({
      surveyId,
      raterRef: userRef,
      answers: body.answers,
      comment: body.comment,
      now: this.now().toISOString(),
    });
  }
}

/** The name a survey shows: the profile's display name, the title, or the entity name. */
function displayName(ref: string, entity: Entity | undefined): string {
  const profile = (entity?.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  if (typeof profile?.displayName === 'string' && profile.displayName.trim()) return profile.displayName.trim();
  if (entity?.metadata.title?.trim()) return entity.metadata.title.trim();
  return entity?.metadata.name ?? ref.slice(ref.lastIndexOf('/') + 1);
}
