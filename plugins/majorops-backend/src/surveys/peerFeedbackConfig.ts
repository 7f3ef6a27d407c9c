import type { Config } from '@backstage/config';
import { mergeReputationConfig, type PeerFeedbackConfig } from '@majorops/plugin-majorops-common';

/**
 * `majorops.reputation.peerFeedback` over the product's defaults, checked by
 * -common's `mergeReputationConfig` (an invalid value stops the backend at
 * start-up with the key's path).
 */
export function readPeerFeedbackConfig(config: Config): PeerFeedbackConfig {
  const section = config.getOptionalConfig('majorops.reputation.peerFeedback');
  const overrides: Partial<PeerFeedbackConfig> = {};
  const minRaters = section?.getOptionalNumber('minRaters');
  const incidentsPerWindow = section?.getOptionalNumber('incidentsPerWindow');
  const significantSev2Minutes = section?.getOptionalNumber('significantSev2Minutes');
  const customerReported = section?.getOptionalBoolean('customerReportedSev2IsSignificant');
  if (minRaters !== undefined) overrides.minRaters = minRaters;
  if (incidentsPerWindow !== undefined) overrides.incidentsPerWindow = incidentsPerWindow;
  if (significantSev2Minutes !== undefined) overrides.significantSev2Minutes = significantSev2Minutes;
  if (customerReported !== undefined) overrides.customerReportedSev2IsSignificant = customerReported;
  const peerFeedback = mergeReputationConfig({ peerFeedback: overrides }).peerFeedback;
  if (!Number.isInteger(peerFeedback.incidentsPerWindow)) {
    throw new Error(
      `Invalid reputation config: majorops.reputation.peerFeedback.incidentsPerWindow must be a whole number, got ${peerFeedback.incidentsPerWindow}`,
    );
  }
  return peerFeedback;
}
