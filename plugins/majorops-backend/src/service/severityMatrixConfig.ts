import { Config } from '@backstage/config';
import {
  DEFAULT_SEVERITY_MATRIX,
  mergeSeverityMatrix,
  SEVERITIES,
  Severity,
  SeverityLevelOverride,
  SeverityMatrix,
} from '@majorops/plugin-majorops-common';

/** Reads `majorops.severityMatrix` over the default matrix of the seed. */
export function readSeverityMatrix(config: Config): SeverityMatrix {
  const section = config.getOptionalConfig('majorops.severityMatrix');
  if (!section) return DEFAULT_SEVERITY_MATRIX;
  const overrides: Partial<Record<Severity, SeverityLevelOverride>> = {};
  for (const severity of SEVERITIES) {
    const level = section.getOptionalConfig(severity);
    if (!level) continue;
    overrides[severity] = {
      name: level.getOptionalString('name'),
      criteria: level.getOptionalString('criteria'),
      responseTimeMinutes: level.getOptionalNumber('responseTimeMinutes'),
      updateCadenceMinutes: level.getOptionalNumber('updateCadenceMinutes'),
      escalation: level.getOptionalString('escalation'),
      escalationWithinMinutes: level.getOptionalNumber('escalationWithinMinutes'),
    };
    for (const key of Object.keys(overrides[severity]!) as Array<keyof SeverityLevelOverride>) {
      if (overrides[severity]![key] === undefined) delete overrides[severity]![key];
    }
  }
  return mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, overrides);
}
