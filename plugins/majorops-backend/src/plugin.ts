import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  majoropsPermissions,
  POSTMORTEM_RESOURCE_TYPE,
  RESPONDER_RESOURCE_TYPE,
  TEAM_RESOURCE_TYPE,
} from '@majorops/plugin-majorops-common';
import {
  IncidentSource,
  majorOpsIncidentSourcesExtensionPoint,
} from '@majorops/plugin-majorops-node';
import { InputError } from '@backstage/errors';
import { applyMigrations, DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { dropUnreadScopes, rebuildAllRollups, rollupsBuiltAt, SCOPE_UNREAD_DAYS } from './database/metricRollups';
import { DatabaseRunbookStore } from './database/DatabaseRunbookStore';
import { loadDemoData } from './service/demoData';
import { snapshotMissingOwners } from './service/ownerSnapshot';
import { IncidentService } from './service/IncidentService';
import { createRouter } from './service/router';
import { readPostmortemConfig, readRunbookStaleAfterDays } from './service/runbookConfig';
import { DatabasePostmortemStore } from './database/DatabasePostmortemStore';
import { PostmortemService } from './service/PostmortemService';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  postmortemPermissionResourceRef,
  postmortemPermissionRules,
  responderPermissionResourceRef,
  responderPermissionRules,
  teamPermissionResourceRef,
  teamPermissionRules,
} from '@majorops/plugin-majorops-node';
import { responderPermissionResources, teamPermissionResources } from './reputation/permissionResources';
import { readSeverityMatrix } from './service/severityMatrixConfig';
import { DatabaseReputationStore } from './reputation/DatabaseReputationStore';
import { readReputationConfig, readReputationUpdateMinutes } from './reputation/reputationConfig';
import { ReputationService } from './reputation/ReputationService';
import { DatabaseSurveyStore } from './surveys/DatabaseSurveyStore';
import { readPeerFeedbackConfig } from './surveys/peerFeedbackConfig';
import { SurveyService } from './surveys/SurveyService';
import { DatabaseSuggestionStore } from './suggestions/DatabaseSuggestionStore';
import { readSuggestionConfig } from './suggestions/suggestionConfig';
import { SuggestionService } from './suggestions/SuggestionService';

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
        // Resource permissions are registered with their resource types below.
        permissionsRegistry.addPermissions(majoropsPermissions.filter(p => !isResourcePermission(p)));
        const permissionsOf = (resourceType: string) => majoropsPermissions.filter(p => isResourcePermission(p, resourceType));
        permissionsRegistry.addResourceType({
          resourceRef: responderPermissionResourceRef,
          permissions: permissionsOf(RESPONDER_RESOURCE_TYPE),
          rules: Object.values(responderPermissionRules),
          getResources: responderPermissionResources({ catalog, auth }),
        });
        permissionsRegistry.addResourceType({
          resourceRef: teamPermissionResourceRef,
          permissions: permissionsOf(TEAM_RESOURCE_TYPE),
          rules: Object.values(teamPermissionRules),
          getResources: teamPermissionResources,
        });
        const severityMatrix = readSeverityMatrix(config);
        const runbookStaleAfterDays = readRunbookStaleAfterDays(config);
        const reputationConfig = readReputationConfig(config);
        const reputationUpdateMinutes = readReputationUpdateMinutes(config);
        const postmortemConfig = readPostmortemConfig(config);

        const db = await applyMigrations(database);
        const exactMetricsUpTo = config.getOptionalNumber('majorops.metrics.exactUpTo');
        if (exactMetricsUpTo !== undefined && !(Number.isInteger(exactMetricsUpTo) && exactMetricsUpTo >= 0)) {
          throw new InputError(`majorops.metrics.exactUpTo must be a whole number of 0 or more, got ${exactMetricsUpTo}`);
        }
        const scopeCacheSeconds = config.getOptionalNumber('majorops.scopeCacheSeconds');
        if (scopeCacheSeconds !== undefined && !(scopeCacheSeconds >= 0)) {
          throw new InputError(`majorops.scopeCacheSeconds must be 0 or more, got ${scopeCacheSeconds}`);
        }
        const incidents = DatabaseIncidentStore.create(db, {
          exactMetricsUpTo,
          onBackgroundError: error => logger.warn(`Building the metric rollups of a scope failed: ${error}`),
        });
        const runbooks = DatabaseRunbookStore.create(db);
        const postmortems = DatabasePostmortemStore.create(db);
        const postmortemService = new PostmortemService({
          incidents,
          postmortems,
          runbooks,
          runbookStaleAfterDays,
          ...postmortemConfig,
        });
        permissionsRegistry.addResourceType({
          resourceRef: postmortemPermissionResourceRef,
          permissions: permissionsOf(POSTMORTEM_RESOURCE_TYPE),
          rules: Object.values(postmortemPermissionRules),
          getResources: refs => postmortems.getPermissionResources(refs),
        });
        // Also the PeerFeedbackReader the reputation service reads aggregates through.
        const peerFeedback = readPeerFeedbackConfig(config);
        const surveys = DatabaseSurveyStore.create(db, { peerFeedback });
        const surveyService = new SurveyService({
          store: surveys,
          catalog,
          config: peerFeedback,
          logger,
        });
        const incidentService = new IncidentService({
          store: incidents,
          catalog,
          severityMatrix,
          // Surveys right away; the 'majorops-peer-surveys' task below catches any this misses.
          onResolved: async incident => {
            await surveyService.createForIncident(incident.id).catch(error => {
              logger.warn(`Peer surveys for incident ${incident.id} are left to the next sweep: ${error}`);
            });
          },
        });

        const reputationService = new ReputationService({
          store: DatabaseReputationStore.create(db),
          incidents,
          knowledgeContributions: userRef => postmortemService.knowledgeContributions(userRef),
          config: reputationConfig,
          severityMatrix,
          peerFeedback: surveys,
          logger,
        });

        const suggestionConfig = readSuggestionConfig(config, reputationConfig.levels);
        const suggestionService = new SuggestionService({
          store: DatabaseSuggestionStore.create(db),
          catalog,
          reputation: reputationService,
          assignRole: (...args) => incidentService.assignRole(...args),
          config: suggestionConfig.engine,
          settings: suggestionConfig.settings,
        });

        if (config.getOptionalBoolean('majorops.demoData.enabled')) {
          await loadDemoData({
            store: incidents,
            postmortems,
            runbooks,
            reputation: DatabaseReputationStore.create(db),
            path: config.getString('majorops.demoData.path'),
            logger,
          });
        }

        // Each instance keeps its own history index: loaded soon after the start and renewed
        // before it is an hour old, so that no suggestion waits for it.
        await scheduler.scheduleTask({
          id: 'majorops-suggestion-history',
          frequency: { minutes: 20 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 10 },
          scope: 'local',
          fn: async () => {
            await suggestionService.prepareHistory();
          },
        });

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

        // Metric rollups of the incidents stored before they existed (a no-op once built), and
        // the scopes (systems, groups) nobody has read for a while dropped, as their upkeep costs writes.
        await scheduler.scheduleTask({
          id: 'majorops-metric-rollups',
          frequency: { minutes: 10 },
          timeout: { minutes: 60 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: async () => {
            const dropped = await dropUnreadScopes(db, new Date(Date.now() - SCOPE_UNREAD_DAYS * 24 * 3600 * 1000));
            if (dropped) logger.info(`Dropped the metric rollups of ${dropped} scopes not read in ${SCOPE_UNREAD_DAYS} days`);
            if (await rollupsBuiltAt(db)) return;
            const started = Date.now();
            const built = await rebuildAllRollups(db);
            logger.info(
              `Built metric rollups of ${built.rows} incident entity rows for ${built.entities} entities in ${Date.now() - started} ms`,
            );
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

        await scheduler.scheduleTask({
          id: 'majorops-peer-surveys',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 45 },
          scope: 'global',
          fn: async () => {
            await surveyService.sweep();
          },
        });

        await scheduler.scheduleTask({
          id: 'majorops-reputation-ledger',
          frequency: { minutes: reputationUpdateMinutes },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 20 },
          scope: 'global',
          fn: async () => {
            const run = await reputationService.updateIncrementally();
            if (run.events || run.incidents) {
              logger.info(`Reputation ledger: ${run.incidents} incidents, ${run.people} people, ${run.events} events recomputed`);
            }
            // Summaries for suggestions: the people just recomputed, and a share of the oldest ones.
            await reputationService.refreshSummaries(run.userRefs, { staleAfterHours: 24, staleLimit: 200 });
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
            postmortemService,
            transformPostmortemConditions: createConditionTransformer(
              permissionsRegistry.getPermissionRuleset(postmortemPermissionResourceRef),
            ),
            surveyService,
            reputationService,
            suggestionService,
            scopeCacheSeconds,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
