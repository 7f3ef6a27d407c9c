/**
 * The Response Reputation Score: ledger events derived from incident facts,
 * the score and its explanations, levels, peer feedback and the rules around them.
 */
export * from './config';
export * from './ledger';
export * from './metrics';
export * from './score';
export * from './levels';
export * from './peerFeedback';
export * from './badge';
export * from './workload';
export * from './mentoring';
