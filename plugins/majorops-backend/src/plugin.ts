import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { majoropsPermissions } from '@majorops/plugin-majorops-common';
import {
  IncidentSource,
  majorOpsIncidentSourcesExtensionPoint,
} from '@majorops/plugin-majorops-node';
import { InputError } from '@backstage/errors';
import { applyMigrations, DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { DatabaseRunbookStore } from './database/DatabaseRunbookStore';
import { loadDemoData } from './service/demoData';
import { snapshotMissingOwners } from './service/ownerSnapshot';
import { IncidentService } from './service/IncidentService';
import { createRouter } from './service/router';
import { readRunbookStaleAfterDays } from './service/runbookConfig';
import { readSeverityMatrix } from './service/severityMatrixConfig';

/**
 * The MajorOps backend plugin: incidents, runbooks and responder data stored
 * in Backstage's own database, mounted at /api/majorops.
 *
 * @public
 */
export const majoropsPlugin = createBackendPlugin({
  pluginId: 'majorops',
  register(env) {
    const incidentSources = new Map<string, IncidentSource>();
    env.registerExtensionPoint(majorOpsIncidentSourcesExtensionPoint, {
      addIncidentSource(source) {
        if (!/^[a-z][a-z0-9-]*$/.test(source.id)) {
          throw new InputError(`Incident source id "${source.id}" must be lower-case letters, digits and dashes`);
        }
        if (incidentSources.has(source.id)) {
          throw new InputError(`Incident source "${source.id}" is registered twice`);
        }
        incidentSources.set(source.id, source);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        config,
        database,
        httpRouter,
        httpAuth,
        auth,
        userInfo,
        permissions,
        permissionsRegistry,
        scheduler,
        catalog,
      }) {
        permissionsRegistry.addPermissions(majoropsPermissions);
        const severityMatrix = readSeverityMatrix(config);
        const runbookStaleAfterDays = readRunbookStaleAfterDays(config);

        const db = await applyMigrations(database);
        const incidents = DatabaseIncidentStore.create(db);
        const runbooks = DatabaseRunbookStore.create(db);
        const incidentService = new IncidentService({
          store: incidents,
          catalog,
          severityMatrix,
        });

        if (config.getOptionalBoolean('majorops.demoData.enabled')) {
          await loadDemoData({
            store: incidents,
            path: config.getString('majorops.demoData.path'),
            logger,
          });
        }

        const frequencyMinutes =
          config.getOptionalNumber('majorops.ownerSnapshot.frequencyMinutes') ?? 5;
        await scheduler.scheduleTask({
          id: 'majorops-owner-snapshot',
          frequency: { minutes: frequencyMinutes },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 15 },
          scope: 'global',
          fn: async () => {
            await snapshotMissingOwners({ store: incidents, catalog, auth, logger });
          },
        });

        await scheduler.scheduleTask({
          id: 'majorops-root-cause-escalation',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            const escalated = await incidentService.sweepRootCauseEscalations();
            if (escalated) {
              logger.info(`Escalated ${escalated} incidents without a root cause past their timeout`);
            }
          },
        });

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            userInfo,
            permissions,
            catalog,
            incidents,
            incidentService,
            runbooks,
            severityMatrix,
            incidentSources: [...incidentSources.values()],
            runbookStaleAfterDays,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
