import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { majorOpsApiRef, MajorOpsClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The MajorOps frontend plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const majorOpsPlugin = createPlugin({
  id: 'majorops',
  routes: { root: rootRouteRef },
  apis: [
    createApiFactory({
      api: majorOpsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new MajorOpsClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Incidents of the current entity (or, on a Group, of everything it owns).
 * Mount under `EntityLayout.Route path="/incidents"`.
 *
 * @public
 */
export const EntityMajorOpsIncidentsContent = majorOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityMajorOpsIncidentsContent',
    component: {
      lazy: () =>
        import('./components/EntityIncidentsContent').then(m => m.EntityIncidentsContent),
    },
  }),
);

/**
 * Runbooks of the current entity. Mount under `EntityLayout.Route path="/runbooks"`.
 *
 * @public
 */
export const EntityMajorOpsRunbooksContent = majorOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityMajorOpsRunbooksContent',
    component: {
      lazy: () =>
        import('./components/EntityRunbooksContent').then(m => m.EntityRunbooksContent),
    },
  }),
);

/**
 * Reputation of the current User entity. Mount under `EntityLayout.Route path="/reputation"`.
 *
 * @public
 */
export const EntityMajorOpsReputationContent = majorOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityMajorOpsReputationContent',
    component: {
      lazy: () =>
        import('./components/EntityReputationContent').then(m => m.EntityReputationContent),
    },
  }),
);

/**
 * Reputation of the current Group entity: its members' responder ranking with
 * workload beside every score. Mount under `EntityLayout.Route path="/reputation"`
 * on the group page.
 *
 * @public
 */
export const EntityMajorOpsGroupReputationContent = majorOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityMajorOpsGroupReputationContent',
    component: {
      lazy: () =>
        import('./components/ResponderRanking').then(m => m.EntityGroupReputationContent),
    },
  }),
);

/**
 * The responder ranking of a group as a card, for the group's overview.
 * Give it the group ref: `<MajorOpsResponderRankingCard groupRef="group:default/team-a" />`.
 *
 * @public
 */
export const MajorOpsResponderRankingCard = majorOpsPlugin.provide(
  createComponentExtension({
    name: 'MajorOpsResponderRankingCard',
    component: {
      lazy: () => import('./components/ResponderRanking').then(m => m.ResponderRankingCard),
    },
  }),
);

/**
 * The MajorOps page: open incidents across the organisation, and each
 * incident's page. Mount it with `<Route path="/majorops" element={<MajorOpsPage />} />`.
 *
 * @public
 */
export const MajorOpsPage = majorOpsPlugin.provide(
  createRoutableExtension({
    name: 'MajorOpsPage',
    component: () => import('./components/MajorOpsPage').then(m => m.MajorOpsPage),
    mountPoint: rootRouteRef,
  }),
);
