import type { IncidentRole } from './roles';
import type { Severity } from './severity';
import type { IsoTimestamp, ResponderParticipation } from './types';
import type {
  ChampionBadgeResult,
  LedgerEvent,
  LevelResult,
  PeerFeedbackAggregate,
  PeerFeedbackQuestionId,
  ReputationResult,
  TrainingRecord,
  WorkloadReport,
} from './reputation';

/** Runbook revisions, drills, post-mortems, completed action items and mentoring a person contributed. */
export interface KnowledgeContributionCounts {
  runbookRevisions: number;
  drillsRecorded: number;
  postmortemsAuthored: number;
  postmortemsFacilitated: number;
  actionItemsCompleted: number;
  /** Shadows mentored: one per incident and person who shadowed a role the person held (from the ledger). */
  shadowsMentored: number;
}

/** A training or certification record as stored: who recorded it and when. */
export interface TrainingRecordView extends TrainingRecord {
  id: string;
  userRef: string;
  recordedBy: string;
  recordedAt: IsoTimestamp;
}

/** A ledger event as the API shows it, with the incident's title when it belongs to one. */
export interface LedgerEntry extends LedgerEvent {
  id: string;
  incidentTitle?: string;
}

/**
 * `GET /responders/:userRef/reputation`: everything about one responder's
 * reputation, each part with its explanation. Peer feedback appears only as
 * k-anonymous aggregates over fixed windows; comments only for the person themself.
 */
export interface ReputationView {
  userRef: string;
  reputation: ReputationResult;
  level: LevelResult;
  badge: ChampionBadgeResult;
  /** The last 8 weeks. */
  workload: WorkloadReport;
  participation: ResponderParticipation;
  contributions: KnowledgeContributionCounts;
  training: TrainingRecordView[];
  /** Aggregates of the person's fixed feedback windows, newest first; `comments` emptied unless the caller is the person. */
  peerFeedback: PeerFeedbackAggregate[];
  /** When the ledger was last brought up to date for this person. */
  ledgerUpdatedAt?: IsoTimestamp;
}

/** One member of a team as `GET /groups/:groupRef/ranking` lists them. */
export interface RankingEntry {
  userRef: string;
  displayName?: string;
  score: number;
  /** Score change over the last three months of the trend. */
  trendDelta: number;
  level: LevelResult['level'];
  levelName: string;
  suspended: boolean;
  champion: boolean;
  workload: {
    pagesPerWeek: number;
    incidentsPerWeek: number;
    incidentHoursPerWeek: number;
    offHoursShare?: number;
    burnout: boolean;
    reasons: string[];
  };
}

/** `GET /groups/:groupRef/ranking`: members by score, with workload beside every score. */
export interface GroupRanking {
  groupRef: string;
  items: RankingEntry[];
  explanation: string;
}

/** A survey waiting for the signed-in user: one colleague on one incident. */
export interface PendingSurvey {
  id: string;
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  subjectRef: string;
  subjectRoles: IncidentRole[];
  questions: Array<{ id: PeerFeedbackQuestionId; text: string }>;
  createdAt: IsoTimestamp;
  closesAt: IsoTimestamp;
}
