import type { Config } from '@backstage/config';
import { mergeReputationConfig, ReputationConfig, ReputationConfigOverrides } from '@majorops/plugin-majorops-common';

/**
 * The reputation model's numbers: the defaults of -common with the overrides
 * under `majorops.reputation`. An invalid value stops start-up with every
 * problem and its config path.
 */
export function readReputationConfig(config: Config): ReputationConfig {
  const overrides = config.getOptional<ReputationConfigOverrides>('majorops.reputation');
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))) {
    throw new Error('Invalid reputation config: majorops.reputation must be an object');
  }
  const { update: _update, ...model } = (overrides ?? {}) as ReputationConfigOverrides & { update?: unknown };
  return mergeReputationConfig(model);
}

/** How often the ledger is brought up to date, in minutes (`majorops.reputation.update.frequencyMinutes`, default 1). */
export function readReputationUpdateMinutes(config: Config): number {
  const minutes = config.getOptionalNumber('majorops.reputation.update.frequencyMinutes') ?? 1;
  if (!(minutes > 0)) {
    throw new Error(`Invalid reputation config: majorops.reputation.update.frequencyMinutes must be more than 0, got ${minutes}`);
  }
  return minutes;
}
