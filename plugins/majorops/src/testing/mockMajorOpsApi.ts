import type { MajorOpsApi } from '../api';

/**
 * A MajorOpsApi for component tests: every method is a jest mock that fails
 * loudly unless the test gives it an implementation.
 */
export function mockMajorOpsApi(
  implementations: Partial<MajorOpsApi> = {},
): jest.Mocked<MajorOpsApi> {
  const methods: Array<keyof MajorOpsApi> = [
    'listIncidents',
    'getIncident',
    'getSeverityMatrix',
    'listRunbooks',
    'declareIncident',
    'updateIncident',
    'transitionIncident',
    'assignRole',
    'releaseRole',
    'addShadow',
    'releaseShadow',
    'listTimeline',
    'addTimelineEntry',
    'postStatusUpdate',
    'openHypothesis',
    'resolveHypothesis',
    'getInsights',
    'getMetrics',
    'getRunbook',
    'createRunbook',
    'updateRunbook',
    'listRunbookRevisions',
    'getRunbookRevision',
    'recordDrill',
    'listDrills',
    'getPostmortem',
    'savePostmortem',
    'listPostmortems',
    'listOverduePostmortems',
    'listActionItems',
    'createActionItem',
    'updateActionItem',
    'findActionItems',
    'getRepeats',
    'linkRepeat',
    'unlinkRepeat',
    'listRunbookUsage',
    'recordRunbookUsage',
    'getFollowThrough',
    'getResponderReputation',
    'listLedger',
    'getGroupRanking',
    'listPendingSurveys',
    'answerSurvey',
    'recordTraining',
    'suspendResponder',
    'liftSuspension',
    'getSuggestions',
    'suggestForDraft',
    'acceptSuggestion',
    'getReadyCommanders',
  ];
  const api = {} as Record<string, jest.Mock>;
  for (const method of methods) {
    api[method] = jest.fn(
      (implementations[method] as any) ??
        (() => Promise.reject(new Error(`MajorOpsApi.${method} was not expected in this test`))),
    );
  }
  return api as unknown as jest.Mocked<MajorOpsApi>;
}
