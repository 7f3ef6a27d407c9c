import { createRouteRef } from '@backstage/core-plugin-api';

/** The MajorOps page; incidents live under it at `incidents/:incidentId`. */
export const rootRouteRef = createRouteRef({ id: 'majorops' });
