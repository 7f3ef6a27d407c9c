import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { computeIncidentMetrics, type MetricIncident } from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import { majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { IncidentMetricsCard } from './IncidentMetricsCard';

const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

function incident(declaredAt: string, opts: { external?: boolean; resolveAfter: number }): MetricIncident {
  return {
    severity: 'SEV2',
    externalCause: opts.external ?? false,
    impactStartedAt: at(declaredAt, -10),
    detectedAt: at(declaredAt, -4),
    declaredAt,
    acknowledgedAt: at(declaredAt, 2),
    mitigatedAt: at(declaredAt, opts.resolveAfter - 5),
    resolvedAt: at(declaredAt, opts.resolveAfter),
  };
}

describe('IncidentMetricsCard', () => {
  it('shows the medians the backend computed, asks for the entity over six months, and counts third-party incidents apart', async () => {
    const report = computeIncidentMetrics([
      incident('2026-09-01T10:00:00.000Z', { resolveAfter: 50 }),
      incident('2026-10-01T10:00:00.000Z', { resolveAfter: 110 }),
      incident('2026-10-05T10:00:00.000Z', { external: true, resolveAfter: 300 }),
    ]);
    const api = mockMajorOpsApi({ getMetrics: async request => ({ scope: request, ...report }) });
    await renderInTestApp(
      <TestApiProvider apis={[[majorOpsApiRef, api]]}>
        <IncidentMetricsCard entityRef="component:default/checkout-api" />
      </TestApiProvider>,
    );
    // MTTD: 6 min for both internal incidents; MTTR resolve: (60 + 120) / 2 = 90 min.
    expect(await screen.findByTestId('metric-MTTD')).toHaveTextContent('6 minutes');
    expect(screen.getByTestId('metric-MTTR (resolve)')).toHaveTextContent('1 hour 30 minutes');
    expect(screen.getByText(/2 internal incidents; 1 caused by third parties/)).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Incidents per month by severity: 2026-09: 1, 2026-10: 1/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Median time to resolve per month: 2026-09: 60 min, 2026-10: 120 min/ })).toBeInTheDocument();

    const request = api.getMetrics.mock.calls[0][0];
    expect(request.entityRef).toBe('component:default/checkout-api');
    const days = (Date.now() - Date.parse(request.from!)) / 86_400_000;
    expect(days).toBeGreaterThan(180);
    expect(days).toBeLessThan(186);
  });
});
