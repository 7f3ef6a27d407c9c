import type { Config } from '@backstage/config';
import {
  AssignmentConfig,
  AssignmentConfigOverrides,
  DEFAULT_ASSIGNMENT_CONFIG,
  LevelConfig,
  mergeAssignmentConfig,
} from '@majorops/plugin-majorops-common';
import { DEFAULT_SUGGESTION_SETTINGS, SuggestionSettings } from './SuggestionService';

/**
 * The assignment engine's numbers (`majorops.suggestions.engine`, over the
 * defaults of -common; levels follow the reputation config) and how much
 * the backend reads per suggestion. An invalid value stops start-up with its path.
 */
export function readSuggestionConfig(
  config: Config,
  levels: LevelConfig,
): { engine: AssignmentConfig; settings: SuggestionSettings } {
  const section = config.getOptionalConfig('majorops.suggestions');
  const overrides = section?.getOptional<AssignmentConfigOverrides>('engine');
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))) {
    throw new Error('Invalid suggestions config: majorops.suggestions.engine must be an object');
  }
  let engine: AssignmentConfig;
  try {
    engine = mergeAssignmentConfig(overrides, { ...DEFAULT_ASSIGNMENT_CONFIG, levels });
  } catch (error) {
    throw new Error(String((error as Error).message).replace(/majorops\.assignment\./g, 'majorops.suggestions.engine.'));
  }
  const number = (key: keyof SuggestionSettings, rule: (n: number) => boolean, expected: string) => {
    const value = section?.getOptionalNumber(key) ?? (DEFAULT_SUGGESTION_SETTINGS[key] as number);
    if (!Number.isFinite(value) || !rule(value)) {
      throw new Error(`Invalid suggestions config: majorops.suggestions.${key} must be ${expected}, got ${value}`);
    }
    return value;
  };
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  const timeZone = section?.getOptionalString('timeZone');
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      throw new Error(`Invalid suggestions config: majorops.suggestions.timeZone is not an IANA time zone: ${timeZone}`);
    }
  }
  return {
    engine,
    settings: {
      historyDays: number('historyDays', n => n > 0, 'more than 0'),
      maxHistoryIncidents: number('maxHistoryIncidents', whole, 'a whole number of at least 1'),
      maxOpenIncidents: number('maxOpenIncidents', whole, 'a whole number of at least 1'),
      membersCacheSeconds: number('membersCacheSeconds', n => n >= 0, '0 or more'),
      ...(timeZone ? { timeZone } : {}),
    },
  };
}
