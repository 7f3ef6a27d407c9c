import type { PeerFeedbackAggregate } from '@majorops/plugin-majorops-common';

/**
 * What the reputation side may learn from peer feedback: k-anonymous
 * aggregates over the person's fixed windows, never individual answers.
 * Implemented by the survey store; read by the reputation service.
 */
export interface PeerFeedbackReader {
  /**
   * Aggregates of `subjectRef`'s fixed feedback windows (blocks of their last
   * incidents with feedback, as -common's `incidentFeedbackWindows` defines
   * them), newest first. Suppressed windows stay in the list, marked as such.
   * Comments are included only when `includeComments` is set (the subject
   * reading their own).
   */
  aggregatesFor(subjectRef: string, now: string, options: { includeComments: boolean }): Promise<PeerFeedbackAggregate[]>;
  /** {@link PeerFeedbackReader.aggregatesFor} of several people at once, by ref (every ref present). */
  aggregatesForMany(
    subjectRefs: string[],
    now: string,
    options: { includeComments: boolean },
  ): Promise<Map<string, PeerFeedbackAggregate[]>>;
}
