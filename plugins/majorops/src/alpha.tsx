import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import ReportProblemOutlined from '@material-ui/icons/ReportProblemOutlined';
import { rootRouteRef } from './routes';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { majorOpsApiRef, MajorOpsClient } from './api';

const majorOpsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: majorOpsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new MajorOpsClient({ discoveryApi, fetchApi }),
    }),
});

/** The MajorOps page: open incidents, and each incident's command page. */
const majorOpsPage = PageBlueprint.make({
  params: {
    path: '/majorops',
    title: 'MajorOps',
    icon: <ReportProblemOutlined fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () => import('./components/MajorOpsPage').then(m => <m.MajorOpsPage />),
  },
});

/** Incidents tab on services, systems, resources and teams. */
const entityIncidentsContent = EntityContentBlueprint.make({
  name: 'incidents',
  params: {
    path: '/incidents',
    title: 'Incidents',
    filter: { kind: { $in: ['component', 'system', 'resource', 'group'] } },
    loader: () =>
      import('./components/EntityIncidentsContent').then(m => <m.EntityIncidentsContent />),
  },
});

/** Runbooks tab on services, systems and resources. */
const entityRunbooksContent = EntityContentBlueprint.make({
  name: 'runbooks',
  params: {
    path: '/runbooks',
    title: 'Runbooks',
    filter: { kind: { $in: ['component', 'system', 'resource'] } },
    loader: () =>
      import('./components/EntityRunbooksContent').then(m => <m.EntityRunbooksContent />),
  },
});

/** Reputation tab on users. */
const entityReputationContent = EntityContentBlueprint.make({
  name: 'reputation',
  params: {
    path: '/reputation',
    title: 'Reputation',
    filter: { kind: 'user' },
    loader: () =>
      import('./components/EntityReputationContent').then(m => <m.EntityReputationContent />),
  },
});

/** Reputation tab on groups: the members' responder ranking with workload beside every score. */
const entityGroupReputationContent = EntityContentBlueprint.make({
  name: 'group-reputation',
  params: {
    path: '/reputation',
    title: 'Reputation',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/ResponderRanking').then(m => <m.EntityGroupReputationContent />),
  },
});

/**
 * The MajorOps frontend plugin for apps on the new frontend system.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'majorops',
  title: 'MajorOps',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    majorOpsApi,
    majorOpsPage,
    entityIncidentsContent,
    entityRunbooksContent,
    entityReputationContent,
    entityGroupReputationContent,
  ],
});
