import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';

/** A function giving the path of an incident's page. */
export function useIncidentLink(): (incidentId: string) => string {
  const root = useRouteRef(rootRouteRef);
  return incidentId => `${root().replace(/\/+$/, '')}/incidents/${encodeURIComponent(incidentId)}`;
}
