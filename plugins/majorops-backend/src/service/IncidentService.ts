import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkRootCauseTimeout,
  checkTransition,
  computeCadence,
  evaluateSeverityTriggers,
  HYPOTHESIS_TIMEBOX_MINUTES,
  INCIDENT_ROLE_TITLES,
  isCanComplete,
  renderStatusUpdate,
  SYSTEM_ACTOR,
  type CadenceReport,
  type DeclareIncident,
  type Hypothesis,
  type Incident,
  type IncidentRole,
  type RootCauseCheck,
  type Severity,
  type SeverityLevel,
  type SeverityMatrix,
  type SeverityPeriod,
  type SeverityUpgrade,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import type {
  resolveHypothesisSchema,
  statusUpdateSchema,
  timelineEntrySchema,
  transitionSchema,
  updateIncidentSchema,
} from '@majorops/plugin-majorops-common';
import { z } from 'zod';
import {
  IncidentChanges,
  IncidentStore,
  NewTimelineEvent,
} from '../database/IncidentStore';
import { ownerAndSystemOf } from './ownerSnapshot';

/** Clock skew tolerated on timestamps a client sends for "now-ish" moments. */
const SKEW_MS = 2 * 60_000;
const MINUTE = 60_000;

type UpdateBody = z.output<typeof updateIncidentSchema>;
type TransitionBody = z.output<typeof transitionSchema>;
type TimelineBody = z.output<typeof timelineEntrySchema>;
type StatusUpdateBody = z.output<typeof statusUpdateSchema>;
type ResolveHypothesisBody = z.output<typeof resolveHypothesisSchema>;

/** What the incident page needs besides the incident: the rules applied to its history. */
export interface IncidentInsights {
  severityLevel: SeverityLevel;
  cadence: CadenceReport;
  rootCause: RootCauseCheck;
  hypotheses: Hypothesis[];
}

/**
 * The incident command workflow: declaring, changing, moving through the
 * lifecycle, roles, timeline, status updates and hypotheses. It loads data,
 * applies the pure rules of -common and writes through the store; the actor
 * always comes from the caller's credentials.
 */
export class IncidentService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      catalog: CatalogService;
      severityMatrix: SeverityMatrix;
      clock?: () => Date;
      /** Called after a transition to 'resolved' is stored (e.g. to create the peer surveys). */
      onResolved?: (incident: Incident) => Promise<void>;
    },
  ) {}

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  private async load(id: string): Promise<Incident> {
    const incident = await this.options.store.getIncident(id);
    if (!incident) throw new NotFoundError(`No incident with id ${id}`);
    return incident;
  }

  private notInFuture(value: string | undefined, field: string, now: string) {
    if (value && Date.parse(value) > Date.parse(now) + SKEW_MS) {
      throw new InputError(`${field} (${value}) lies in the future`);
    }
  }

  /** Declares an incident on catalog entities; owners are snapshotted from the catalog. */
  async declare(
    input: DeclareIncident,
    actorRef: string,
    credentials: BackstageCredentials,
  ): Promise<Incident> {
    const now = this.now();
    this.notInFuture(input.impactStartedAt, 'impactStartedAt', now);
    this.notInFuture(input.detectedAt, 'detectedAt', now);

    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: input.entityRefs,
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'relations'],
      },
      { credentials },
    );
    const unknown = input.entityRefs.filter((_, i) => !items[i]);
    if (unknown.length) {
      throw new InputError(`Not in the catalog: ${unknown.join(', ')}`);
    }
    const commanderRef = input.commanderRef ?? actorRef;
    if (input.commanderRef) await this.requireUser(input.commanderRef, credentials);
    const detectedAt = input.detectedAt ?? now;
    if (input.impactStartedAt && input.impactStartedAt > detectedAt) {
      throw new InputError(
        `impactStartedAt (${input.impactStartedAt}) cannot be after detectedAt (${detectedAt}${
          input.detectedAt ? '' : ', the moment of declaration'
        })`,
      );
    }

    const upgrades = evaluateSeverityTriggers({
      severity: input.severity,
      baselineImpact: input.impactScope,
      currentImpact: input.impactScope,
      customerReported: input.customerReported,
      payingCustomer: input.payingCustomer,
      dataIntegrityConcern: input.dataIntegrityConcern,
    });
    const severity = upgrades.length ? upgrades[upgrades.length - 1].to : input.severity;

    return this.options.store.createIncident({
      title: input.title,
      summary: input.summary,
      severity,
      status: 'declared',
      incidentType: input.incidentType,
      tags: input.tags,
      externalCause: input.externalCause,
      customerReported: input.customerReported,
      payingCustomer: input.payingCustomer,
      dataIntegrityConcern: input.dataIntegrityConcern,
      impactScope: input.impactScope,
      source: 'majorops',
      entities: input.entityRefs.map((entityRef, i) => ({
        entityRef,
        ...ownerAndSystemOf(items[i]!),
      })),
      roles: [
        { role: 'incident-commander', userRef: commanderRef, assignedBy: actorRef, assignedAt: now },
      ],
      milestones: {
        impactStartedAt: input.impactStartedAt,
        detectedAt,
        declaredAt: now,
      },
      createdBy: actorRef,
      createdAt: now,
      timeline: [
        {
          type: 'declared',
          occurredAt: now,
          actorRef,
          body: {
            text: `Declared ${input.severity}: ${input.title}`,
            severity: input.severity,
            entityRefs: input.entityRefs,
          },
        },
        roleAssignedEvent('incident-commander', commanderRef, actorRef, now),
        ...upgrades.map(u => upgradeEvent(u, now)),
      ],
    });
  }

  /** Changes fields of an incident read at `version`; severity changes and automatic upgrades go on the timeline. */
  async update(id: string, body: UpdateBody, actorRef: string): Promise<Incident> {
    const now = this.now();
    const incident = await this.load(id);
    const internals = (await this.options.store.getInternals(id)) ?? {};
    this.notInFuture(body.impactStartedAt, 'impactStartedAt', now);
    this.notInFuture(body.detectedAt, 'detectedAt', now);

    const changes: IncidentChanges = {};
    const events: NewTimelineEvent[] = [];
    const changedFields: string[] = [];
    for (const field of [
      'title',
      'summary',
      'incidentType',
      'tags',
      'externalCause',
      'customerReported',
      'payingCustomer',
      'dataIntegrityConcern',
      'impactScope',
    ] as const) {
      if (body[field] !== undefined && JSON.stringify(body[field]) !== JSON.stringify(incident[field] ?? null)) {
        (changes as Record<string, unknown>)[field] = body[field];
        changedFields.push(field);
      }
    }
    if (body.impactStartedAt || body.detectedAt) {
      changes.milestones = { impactStartedAt: body.impactStartedAt, detectedAt: body.detectedAt };
      const start = body.impactStartedAt ?? incident.milestones.impactStartedAt;
      const detected = body.detectedAt ?? incident.milestones.detectedAt;
      if (start && detected && start > detected) {
        throw new InputError('detectedAt cannot be before impactStartedAt');
      }
      changedFields.push(...(['impactStartedAt', 'detectedAt'] as const).filter(f => body[f]));
    }
    if (changedFields.length) {
      events.push({
        type: 'field-change',
        occurredAt: now,
        actorRef,
        body: { text: `Changed ${changedFields.join(', ')}`, fields: changedFields },
      });
    }

    let severity: Severity = incident.severity;
    const impact = changes.impactScope !== undefined ? changes.impactScope ?? undefined : incident.impactScope;
    let baseline = internals.baselineImpact;
    if (body.severity && body.severity !== incident.severity) {
      events.push({
        type: 'severity-change',
        occurredAt: now,
        actorRef,
        body: {
          text: `Severity ${incident.severity} → ${body.severity}${body.severityReason ? `: ${body.severityReason}` : ''}`,
          from: incident.severity,
          to: body.severity,
          reason: body.severityReason,
        },
      });
      severity = body.severity;
      baseline = impact;
    }
    const upgrades = evaluateSeverityTriggers({
      severity,
      baselineImpact: baseline,
      currentImpact: impact,
      customerReported: changes.customerReported ?? incident.customerReported,
      payingCustomer: changes.payingCustomer ?? incident.payingCustomer,
      dataIntegrityConcern: changes.dataIntegrityConcern ?? incident.dataIntegrityConcern,
    });
    if (upgrades.length && body.severity && body.severity !== incident.severity) {
      // A person lowering the severity below what the triggers demand would be
      // raised straight back; say why instead of recording both.
      throw new InputError(
        `${body.severity} is below what the escalation triggers require: ${upgrades.map(u => u.reason).join(' ')} Change the flags or impact in the same request if they no longer hold.`,
      );
    }
    if (upgrades.length) {
      events.push(...upgrades.map(u => upgradeEvent(u, now)));
      severity = upgrades[upgrades.length - 1].to;
      baseline = impact;
    }
    if ((baseline === undefined || baseline <= 0) && impact !== undefined && impact > 0) {
      // The first impact measured (declared without one, or with none yet) is
      // what later doubling is measured against; without it nothing could double.
      baseline = impact;
    }
    if (severity !== incident.severity) changes.severity = severity;
    if (baseline !== internals.baselineImpact) changes.baselineImpact = baseline ?? null;

    if (events.length === 0 && Object.keys(changes).length === 0) {
      // Nothing differs from what is stored; still refuse a stale version.
      if (body.version !== incident.version) {
        throw new ConflictError(
          `Incident ${id} was changed by someone else: you sent version ${body.version}, it is now at version ${incident.version}. Reload it and apply your change again.`,
        );
      }
      return incident;
    }
    return this.options.store.updateIncident(id, { version: body.version }, changes, events, now);
  }

  /** Moves an incident through its lifecycle and records the milestones that implies. */
  async transition(id: string, body: TransitionBody, actorRef: string): Promise<Incident> {
    const now = this.now();
    const incident = await this.load(id);
    const check = checkTransition(incident.status, body.to);
    if (!check.allowed) {
      throw new ConflictError(transitionRefusal(incident.status, body.to, check.allowedTargets));
    }
    const m = incident.milestones;
    const milestones: IncidentChanges['milestones'] = {};
    const changes: IncidentChanges = { status: body.to, milestones };
    if (incident.status === 'declared' && !m.acknowledgedAt) milestones.acknowledgedAt = now;
    if (body.to === 'identified' && !incident.rootCauseIdentifiedAt) changes.rootCauseIdentifiedAt = now;
    if ((body.to === 'monitoring' || body.to === 'resolved') && !m.mitigatedAt) milestones.mitigatedAt = now;
    if (body.to === 'resolved') milestones.resolvedAt = now;
    if (body.to === 'closed') milestones.closedAt = now;
    if (incident.status === 'resolved' && body.to === 'investigating') milestones.resolvedAt = null;

    const text = `Status ${incident.status} → ${body.to}${body.note ? `: ${body.note}` : ''}`;
    const updated = await this.options.store.updateIncident(
      id,
      { status: incident.status, version: body.version },
      changes,
      [{ type: 'status-change', occurredAt: now, actorRef, body: { text, from: incident.status, to: body.to, note: body.note } }],
      now,
    );
    if (body.to === 'resolved') await this.options.onResolved?.(updated);
    return updated;
  }

  /** Gives a role to a catalog user; the previous holder is released by the same act. */
  async assignRole(
    id: string,
    role: IncidentRole,
    userRef: string,
    expectedVersion: number | undefined,
    actorRef: string,
    credentials: BackstageCredentials,
  ): Promise<Incident> {
    const incident = await this.load(id);
    if (incident.status === 'closed') {
      throw new ConflictError('A closed incident takes no new role assignments');
    }
    await this.requireUser(userRef, credentials);
    const current = incident.roles.find(r => r.role === role);
    if (current?.userRef === userRef) return incident;
    const now = this.now();
    const event = roleAssignedEvent(role, userRef, actorRef, now, current?.userRef);
    return this.options.store.assignRole(
      id,
      { version: expectedVersion, roleHolder: current?.userRef ?? null },
      { role, userRef, actorRef, at: now },
      event,
    );
  }

  /**
   * Releases a role. Only the incident commander releases people from their
   * roles (the seed counts leaving a track without release against a
   * responder); without a commander, anyone allowed to update may.
   */
  async releaseRole(
    id: string,
    role: IncidentRole,
    expectedVersion: number | undefined,
    actorRef: string,
  ): Promise<Incident> {
    const incident = await this.load(id);
    const holder = incident.roles.find(r => r.role === role);
    if (!holder) {
      throw new NotFoundError(`Nobody holds the ${INCIDENT_ROLE_TITLES[role]} role on this incident`);
    }
    const commander = incident.roles.find(r => r.role === 'incident-commander')?.userRef;
    if (commander && commander !== actorRef) {
      throw new NotAllowedError(
        `Only the incident commander (${commander}) can release the ${INCIDENT_ROLE_TITLES[role]}; to take command, assign yourself the Incident Commander role`,
      );
    }
    const now = this.now();
    return this.options.store.releaseRole(
      id,
      { version: expectedVersion, roleHolder: holder.userRef },
      { role, actorRef, at: now },
      {
        type: 'role-released',
        occurredAt: now,
        actorRef,
        body: {
          text: `${holder.userRef} released from ${INCIDENT_ROLE_TITLES[role]}`,
          role,
          userRef: holder.userRef,
        },
      },
    );
  }

  /**
   * Adds a shadow to a held role: a person who follows the holder to learn
   * the role. Adding someone who already shadows it changes nothing.
   * Whoever holds the role while the shadow is there is credited with
   * mentoring them in the reputation ledger.
   */
  async addShadow(
    id: string,
    role: IncidentRole,
    userRef: string,
    expectedVersion: number | undefined,
    actorRef: string,
    credentials: BackstageCredentials,
  ): Promise<Incident> {
    const incident = await this.load(id);
    if (incident.status === 'resolved' || incident.status === 'closed') {
      throw new ConflictError(`Shadows join an incident in progress; this one is ${incident.status}`);
    }
    await this.requireUser(userRef, credentials);
    const title = INCIDENT_ROLE_TITLES[role];
    const holder = incident.roles.find(r => r.role === role);
    if (!holder) {
      throw new ConflictError(`Nobody holds the ${title} role on this incident; assign it before adding a shadow`);
    }
    if (holder.userRef === userRef) {
      throw new InputError(`${userRef} holds the ${title} role; a holder cannot shadow their own role`);
    }
    if (incident.shadows?.some(s => s.role === role && s.userRef === userRef)) return incident;
    const now = this.now();
    return this.options.store.addShadow(
      id,
      { version: expectedVersion, roleHolder: holder.userRef },
      { role, userRef, actorRef, at: now },
      {
        type: 'shadow-assigned',
        occurredAt: now,
        actorRef,
        body: { text: `${userRef} shadows ${holder.userRef} as ${title}`, role, userRef, holderRef: holder.userRef },
      },
    );
  }

  /** Ends a shadow. */
  async releaseShadow(
    id: string,
    role: IncidentRole,
    userRef: string,
    expectedVersion: number | undefined,
    actorRef: string,
  ): Promise<Incident> {
    const incident = await this.load(id);
    const title = INCIDENT_ROLE_TITLES[role];
    if (!incident.shadows?.some(s => s.role === role && s.userRef === userRef)) {
      throw new NotFoundError(`${userRef} does not shadow the ${title} on this incident`);
    }
    const now = this.now();
    return this.options.store.releaseShadow(
      id,
      { version: expectedVersion },
      { role, userRef, actorRef, at: now },
      {
        type: 'shadow-released',
        occurredAt: now,
        actorRef,
        body: { text: `${userRef} stopped shadowing the ${title}`, role, userRef },
      },
    );
  }

  async addTimelineEntry(id: string, body: TimelineBody, actorRef: string): Promise<TimelineEvent> {
    const now = this.now();
    const incident = await this.load(id);
    this.notInFuture(body.occurredAt, 'occurredAt', now);
    const earliest = incident.milestones.impactStartedAt ?? incident.milestones.declaredAt;
    if (body.occurredAt && body.occurredAt < earliest) {
      throw new InputError(`occurredAt (${body.occurredAt}) is before the incident began (${earliest})`);
    }
    const [event] = await this.options.store.appendTimeline(id, [
      { type: body.type, occurredAt: body.occurredAt ?? now, actorRef, body: { text: body.text } },
    ]);
    return event;
  }

  /** Posts a CAN-format status update for an audience; it counts toward the cadence. */
  async postStatusUpdate(id: string, body: StatusUpdateBody, actorRef: string): Promise<TimelineEvent> {
    const now = this.now();
    const incident = await this.load(id);
    if (incident.status === 'closed') {
      throw new ConflictError('The incident is closed; status updates are no longer sent');
    }
    const level = this.options.severityMatrix[incident.severity];
    const rendered = renderStatusUpdate(
      body.audience,
      {
        severity: incident.severity,
        title: incident.title,
        services: incident.entities.map(e => e.entityRef.split('/').pop()!),
        status: incident.status,
        nextUpdateMinutes: level.updateCadenceMinutes,
      },
      body,
    );
    const [event] = await this.options.store.appendTimeline(id, [
      {
        type: 'status-update',
        occurredAt: now,
        actorRef,
        body: {
          text: rendered.text,
          subject: rendered.subject,
          audience: body.audience,
          conditions: body.conditions,
          actions: body.actions,
          needs: body.needs,
          canComplete: isCanComplete(body),
        },
      },
    ]);
    return event;
  }

  async openHypothesis(id: string, statement: string, actorRef: string): Promise<Hypothesis> {
    const now = this.now();
    const incident = await this.load(id);
    if (incident.status === 'resolved' || incident.status === 'closed') {
      throw new ConflictError(`The incident is ${incident.status}; reopen it to investigate further`);
    }
    const timeboxEndsAt = new Date(Date.parse(now) + HYPOTHESIS_TIMEBOX_MINUTES * MINUTE).toISOString();
    return this.options.store.addHypothesis(
      id,
      { statement, openedBy: actorRef, openedAt: now, timeboxEndsAt },
      {
        type: 'hypothesis-opened',
        occurredAt: now,
        actorRef,
        body: { text: `Hypothesis (${HYPOTHESIS_TIMEBOX_MINUTES} min timebox): ${statement}`, statement, timeboxEndsAt },
      },
    );
  }

  async resolveHypothesis(
    id: string,
    hypothesisId: string,
    body: ResolveHypothesisBody,
    actorRef: string,
  ): Promise<Hypothesis> {
    const now = this.now();
    await this.load(id);
    const resolved = await this.options.store.resolveHypothesis(
      id,
      hypothesisId,
      { status: body.status, resolvedBy: actorRef, resolvedAt: now },
      {
        type: 'hypothesis-resolved',
        occurredAt: now,
        actorRef,
        body: { text: `Hypothesis ${body.status}${body.note ? `: ${body.note}` : ''}`, status: body.status, note: body.note },
      },
    );
    if (resolved) return resolved;
    const existing = (await this.options.store.listHypotheses(id, now)).find(h => h.id === hypothesisId);
    if (!existing) throw new NotFoundError(`No hypothesis ${hypothesisId} on incident ${id}`);
    throw new ConflictError(`Hypothesis ${hypothesisId} is already ${existing.status}`);
  }

  /** The rules applied to an incident's history: cadence, root-cause timeout, hypotheses. */
  async insights(id: string): Promise<IncidentInsights> {
    const now = this.now();
    const incident = await this.load(id);
    const { items: events } = await this.options.store.listTimeline(id, {
      limit: 10_000,
      types: ['declared', 'severity-change', 'status-update'],
    });
    const declared = events.find(e => e.type === 'declared');
    const severities: SeverityPeriod[] = [
      { severity: (declared?.body.severity as Severity) ?? incident.severity, from: incident.milestones.declaredAt },
      ...events
        .filter(e => e.type === 'severity-change')
        .map(e => ({ severity: e.body.to as Severity, from: e.occurredAt })),
    ];
    const cadence = computeCadence(
      {
        declaredAt: incident.milestones.declaredAt,
        severities,
        updates: events.filter(e => e.type === 'status-update').map(e => e.occurredAt),
        resolvedAt: incident.milestones.resolvedAt,
      },
      now,
      this.options.severityMatrix,
    );
    const rootCause = checkRootCauseTimeout(
      {
        severity: incident.severity,
        declaredAt: incident.milestones.declaredAt,
        rootCauseIdentifiedAt: incident.rootCauseIdentifiedAt,
        resolvedAt: incident.milestones.resolvedAt,
      },
      now,
    );
    return {
      severityLevel: this.options.severityMatrix[incident.severity],
      cadence,
      rootCause,
      hypotheses: await this.options.store.listHypotheses(id, now),
    };
  }

  /**
   * Records the "no root cause after 30 min (SEV1) / 2 h (SEV2)" escalation on
   * every incident where it is due. Safe to run on several instances at once:
   * the write only succeeds where no escalation was recorded yet.
   */
  async sweepRootCauseEscalations(): Promise<number> {
    const now = this.now();
    let escalated = 0;
    for (const incident of await this.options.store.listRootCauseEscalationCandidates(500)) {
      const check = checkRootCauseTimeout(
        {
          severity: incident.severity,
          declaredAt: incident.milestones.declaredAt,
          rootCauseIdentifiedAt: incident.rootCauseIdentifiedAt,
        },
        now,
      );
      if (!check.applies || !check.overdue) continue;
      const target = this.options.severityMatrix[incident.severity].escalation;
      try {
        // Only on the state that was checked: a root cause identified, a
        // resolution or a downgrade meanwhile makes the escalation moot.
        await this.options.store.updateIncident(
          incident.id,
          { version: incident.version, rootCauseNotEscalated: true },
          { rootCauseEscalatedAt: now },
          [
            {
              type: 'escalation',
              occurredAt: now,
              actorRef: SYSTEM_ACTOR,
              body: { text: `${check.reason} Escalate to the next tier (${target}).`, trigger: 'root-cause-timeout', target },
            },
          ],
          now,
        );
        escalated++;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // Another instance recorded it first, or the incident changed; the next
        // sweep looks at it again.
      }
    }
    return escalated;
  }

  private async requireUser(userRef: string, credentials: BackstageCredentials) {
    const user = await this.options.catalog.getEntityByRef(userRef, { credentials });
    if (!user || user.kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(`${userRef} is not a user in the catalog`);
    }
  }
}

/** Why a transition is refused, always with the statuses the incident may move to instead. */
function transitionRefusal(
  from: Incident['status'],
  to: Incident['status'],
  allowed: readonly Incident['status'][],
): string {
  const next = allowed.length ? allowed.join(', ') : 'none, a closed incident is final';
  if (from === to) return `The incident is already ${from}; allowed next: ${next}.`;
  return `Cannot move from ${from} to ${to}; allowed next: ${next}.`;
}

function roleAssignedEvent(
  role: IncidentRole,
  userRef: string,
  actorRef: string,
  at: string,
  previous?: string,
): NewTimelineEvent {
  return {
    type: 'role-assigned',
    occurredAt: at,
    actorRef,
    body: {
      text: previous
        ? `${INCIDENT_ROLE_TITLES[role]} handed over from ${previous} to ${userRef}`
        : `${userRef} is ${INCIDENT_ROLE_TITLES[role]}`,
      role,
      userRef,
      previousUserRef: previous,
    },
  };
}

function upgradeEvent(upgrade: SeverityUpgrade, at: string): NewTimelineEvent {
  return {
    type: 'severity-change',
    occurredAt: at,
    actorRef: SYSTEM_ACTOR,
    body: {
      text: `Severity ${upgrade.from} → ${upgrade.to}: ${upgrade.reason}`,
      from: upgrade.from,
      to: upgrade.to,
      trigger: upgrade.trigger,
      reason: upgrade.reason,
    },
  };
}
