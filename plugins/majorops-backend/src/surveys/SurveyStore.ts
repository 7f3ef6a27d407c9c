import type {
  IncidentRole,
  IncidentStatus,
  PeerFeedbackAnswers,
  Severity,
} from '@majorops/plugin-majorops-common';

/** What the survey rule needs to know of an incident. */
export interface SurveyIncident {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  customerReported: boolean;
  declaredAt: string;
  resolvedAt?: string;
  /** Everyone who held a role on the incident, at any time, sorted. */
  participantRefs: string[];
}

/** An open, unanswered survey of one rater, with what the survey page shows. */
export interface PendingSurveyRow {
  id: string;
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  subjectRef: string;
  /** Roles the subject held on the incident, in the order of INCIDENT_ROLES. */
  subjectRoles: IncidentRole[];
  createdAt: string;
  closesAt: string;
}

/**
 * Peer survey assignments and their answers. Answers are stored without the
 * rater; nothing here returns an individual answer.
 */
export interface SurveyStore {
  getSurveyIncident(incidentId: string): Promise<SurveyIncident | undefined>;

  /**
   * Records that the incident was looked at (with the rule's decision) and
   * inserts the assignments that do not exist yet. Safe to run any number of
   * times, from any number of backend instances. Returns how many were new.
   */
  createSurveys(input: {
    incidentId: string;
    required: boolean;
    reason: string;
    assignments: Array<{ raterRef: string; subjectRef: string }>;
    createdAt: string;
    closesAt: string;
  }): Promise<number>;

  /** SEV1/SEV2 incidents resolved at or after `since` that were never looked at, oldest first. */
  listUnsurveyedResolvedIncidents(since: string, limit: number): Promise<string[]>;

  /** The rater's unanswered surveys that are open at `now`, closing soonest first. */
  listPending(raterRef: string, now: string): Promise<PendingSurveyRow[]>;

  /**
   * Stores an answer to the rater's own survey, once, while it is open.
   * NotFoundError when the survey does not exist or is someone else's;
   * ConflictError when it was answered already or has closed. Nothing is
   * written when it refuses.
   */
  recordAnswer(input: {
    surveyId: string;
    raterRef: string;
    answers: PeerFeedbackAnswers;
    comment?: string;
    now: string;
  }): Promise<void>;
}
