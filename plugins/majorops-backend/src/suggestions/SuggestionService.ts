import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, RELATION_MEMBER_OF, RELATION_HAS_MEMBER, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  acceptanceRate,
  AcceptanceRateResult,
  ANNOTATION_INCIDENT_TYPES,
  ANNOTATION_TECH,
  AssignmentCandidate,
  AssignmentConfig,
  AssignmentEntity,
  AssignmentIncident,
  AssignmentInput,
  AssignmentReputation,
  AssignmentSuggestions,
  AssignmentTarget,
  AssignmentUser,
  Incident,
  IncidentRole,
  readAnnotationList,
  suggestAssignments,
} from '@majorops/plugin-majorops-common';
import type { ReputationSummary, ReputationSummaryReader } from '../reputation/ReputationSummaryReader';
import { ownerAndSystemOf } from '../service/ownerSnapshot';
import type { AcceptSuggestionBody, DraftSuggestionBody } from './suggestionSchemas';
import type { HistoryFilter, SuggestionStore } from './SuggestionStore';
import { CallerCache, callerOf } from '../service/CallerCache';

const MS_PER_DAY = 24 * 60 * 60 * 1000;
// Locale-independent: the same as toLocaleLowerCase('en-US') for every string, and faster.
const lower = (ref: string) => ref.toLowerCase();
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The settings under `majorops.suggestions`. */
export interface SuggestionSettings {
  /** Past incidents older than this many days are not read as expertise. */
  historyDays: number;
  /** At most this many past incidents are read per suggestion, the most recent first. */
  maxHistoryIncidents: number;
  /** At most this many open incidents are read for who is busy. */
  maxOpenIncidents: number;
  /** IANA time zone of engagement patterns. */
  timeZone?: string;
  /**
   * The members of the owning teams, and the people engaged on past
   * incidents, read from the catalog are reused for this many seconds, per
   * caller (the catalog answers each caller with what they may read); 0 asks
   * the catalog every time.
   */
  membersCacheSeconds: number;
}

export const DEFAULT_SUGGESTION_SETTINGS: SuggestionSettings = {
  historyDays: 365,
  maxHistoryIncidents: 2000,
  maxOpenIncidents: 500,
  membersCacheSeconds: 60,
};

/** At most this many member lists (caller and teams) are kept. */
const MEMBER_LISTS_KEPT = 500;
/** At most this many people and entities read by ref (caller and ref) are kept. */
const REFS_KEPT = 50_000;

export interface SuggestionServiceOptions {
  store: SuggestionStore;
  catalog: CatalogService;
  /** Score, level, badge, workload and the k-anonymous peer aggregate of the people with a record. */
  reputation: ReputationSummaryReader;
  /** Assigns a role as the signed-in user (`IncidentService.assignRole`). */
  assignRole(
    id: string,
    role: IncidentRole,
    userRef: string,
    expectedVersion: number | undefined,
    actorRef: string,
    credentials: BackstageCredentials,
  ): Promise<Incident>;
  config: AssignmentConfig;
  settings?: Partial<SuggestionSettings>;
  now?: () => string;
  /** Milliseconds for how long member lists are kept (tests); `Date.now` by default. */
  clock?: () => number;
}

/**
 * Who reads the suggestions. The service returns them whole; the routes
 * redact each candidate the reader may not see (`redactSuggestions`).
 */
export interface SuggestionReader {
  credentials: BackstageCredentials;
}

export interface SuggestionMetrics {
  from?: string;
  to?: string;
  severities: ['SEV1', 'SEV2'];
  topN: number;
  /** SEV1/SEV2 incidents declared in the range that have an incident commander. */
  incidents: number;
  /** Of those, incidents whose commander was taken through a suggestion from the top N (the first acceptance counts). */
  acceptedFromTopN: number;
  /** acceptedFromTopN / incidents, three decimals; absent without incidents. */
  rate?: number;
  /** The engine's acceptance rate over the incidents with a recorded suggestion only. */
  amongSuggested: AcceptanceRateResult;
  explanation: string;
}

const USER_FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'spec.profile.displayName', 'relations'];
const ENTITY_FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations', 'relations'];

/**
 * Loads what the assignment engine of -common needs — catalog users and
 * their teams, the affected entities with owner, system and annotations,
 * open incidents (who is busy), past incidents on the same entities, systems
 * and type, and each responder's reputation — and calls `suggestAssignments`.
 * Records accepted suggestions and measures how often commanders come from the top N.
 */
export class SuggestionService {
  private readonly now: () => string;
  private readonly settings: SuggestionSettings;
  /** Members of teams as the catalog listed them for a caller. */
  private readonly members: CallerCache<AssignmentUser[]>;
  /**
   * What was read by ref for a caller (people, or entities), and when;
   * undefined when the catalog has nothing by that ref. Per kind and caller,
   * then per ref (no key written per ref and request); `refsKept` counts them all.
   */
  private readonly byRef = new Map<string, Map<string, { at: number; value: unknown }>>();
  private refsKept = 0;
  private readonly clock: () => number;

  constructor(private readonly options: SuggestionServiceOptions) {
    this.now = options.now ?? (() => new Date().toISOString());
    this.settings = { ...DEFAULT_SUGGESTION_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
    this.members = new CallerCache(this.settings.membersCacheSeconds * 1000, MEMBER_LISTS_KEPT, this.clock);
  }

  // -------------------------------------------------------------------------
  // Loading the engine's input

  /** The members of a team (`relations.memberOf`). */
  private async loadMembers(credentials: BackstageCredentials, groupRefs: string[]): Promise<AssignmentUser[]> {
    if (groupRefs.length === 0) return [];
    const key = [...groupRefs].sort(compareStrings).join('\n');
    const users = await this.members.get(credentials, key, async () => {
      const { items } = await this.options.catalog.getEntities(
        { filter: { kind: 'user', 'relations.memberOf': groupRefs }, fields: USER_FIELDS },
        { credentials },
      );
      return items.map(userOf);
    });
    return [...users];
  }

  /**
   * What the catalog answers for each of `refs` (undefined when it has no
   * entity by that ref), reused per caller for `membersCacheSeconds` like
   * the member lists: the entities and the people engaged on the past
   * incidents of one incident are mostly those of the next request.
   * `kind` keeps what is read of people apart from what is read of entities.
   */
  private async readByRef<T>(
    credentials: BackstageCredentials,
    kind: 'user' | 'entity',
    refs: string[],
    read: (item: Entity | undefined) => T | undefined,
  ): Promise<Map<string, T | undefined>> {
    const maxAgeMs = this.settings.membersCacheSeconds * 1000;
    const key = `${kind}\n${callerOf(credentials)}`;
    const startedAt = this.clock();
    const known = new Map<string, T | undefined>();
    const missing: string[] = [];
    const kept = maxAgeMs > 0 ? this.byRef.get(key) : undefined;
    for (const ref of refs) {
      const entry = kept?.get(ref);
      if (entry && startedAt - entry.at <= maxAgeMs) known.set(ref, entry.value as T | undefined);
      else if (!known.has(ref)) {
        known.set(ref, undefined);
        missing.push(ref);
      }
    }
    if (missing.length === 0) return known;
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: missing, fields: kind === 'user' ? USER_FIELDS : ENTITY_FIELDS },
      { credentials },
    );
    let mine = this.byRef.get(key);
    if (maxAgeMs > 0 && !mine) {
      mine = new Map();
      this.byRef.set(key, mine);
    }
    missing.forEach((ref, i) => {
      const value = read(items[i]);
      known.set(ref, value);
      if (!mine) return;
      if (mine.delete(ref)) this.refsKept--;
      mine.set(ref, { at: startedAt, value });
      this.refsKept++;
    });
    // The oldest first: callers in the order first seen, and each one's refs in the order read.
    while (this.refsKept > REFS_KEPT) {
      const [oldestKey, oldest] = this.byRef.entries().next().value as [string, Map<string, unknown>];
      oldest.delete(oldest.keys().next().value as string);
      this.refsKept--;
      if (oldest.size === 0) this.byRef.delete(oldestKey);
    }
    return known;
  }

  /** Users by ref, in the order of `userRefs`; refs that are not users in the catalog are left out. */
  private async loadUsersByRef(credentials: BackstageCredentials, userRefs: string[]): Promise<AssignmentUser[]> {
    if (userRefs.length === 0) return [];
    const known = await this.readByRef(credentials, 'user', userRefs, item => (item && lower(item.kind) === 'user' ? userOf(item) : undefined));
    const users: AssignmentUser[] = [];
    for (const ref of userRefs) {
      const user = known.get(ref);
      if (user) users.push(user);
    }
    return users;
  }

  /**
   * The people who can matter for an incident (see {@link candidatesOf}),
   * read from the catalog without listing every user: `members` are those of
   * the owning groups (read by `relations.memberOf` while the history loads);
   * the owning users and the people engaged on a loaded incident are read by
   * ref here. Their reputation is asked for at the same time, and kept for
   * those who turn out to be candidates. Sorted by ref.
   */
  private async loadCandidates(
    credentials: BackstageCredentials,
    affected: Array<{ ownerRef?: string; systemRef?: string }>,
    entities: ReadonlyMap<string, AssignmentEntity>,
    incidents: AssignmentIncident[],
    members: AssignmentUser[],
  ): Promise<{ candidates: AssignmentUser[]; reputation: AssignmentReputation[] }> {
    const matter = whoCanMatter(affected, entities, incidents);
    const { owners, engaged } = matter;
    const byRef = new Set(engaged);
    for (const owner of owners) if (owner.startsWith('user:')) byRef.add(owner);
    const memberRefs = members.map(u => u.userRef);
    // Members of the owning teams are read already.
    for (const ref of memberRefs) byRef.delete(ref);
    const refs = [...byRef].sort(compareStrings);
    const [named, summaries] = await Promise.all([
      this.loadUsersByRef(credentials, refs),
      this.readSummaries([...memberRefs, ...refs]),
    ]);
    const users = new Map<string, AssignmentUser>();
    for (const user of [...members, ...named]) users.set(user.userRef, user);
    const sorted = [...users.values()].sort((a, b) => compareStrings(a.userRef, b.userRef));
    // The same rule as over the whole catalog (`candidatesOf`): only who owns, or is engaged, stays.
    const candidates = keepWhoCanMatter(sorted, matter);
    return { candidates, reputation: reputationOf(candidates, summaries) };
  }

  /**
   * The affected entities and their systems, with owners and annotations.
   * `likelySystemRefs` (the systems recorded at declaration) are asked for
   * together with the entities, so that usually one catalog call is enough;
   * a system the catalog names otherwise is read after.
   */
  private async loadEntities(
    entityRefs: string[],
    credentials: BackstageCredentials,
    likelySystemRefs: string[] = [],
  ): Promise<{ entities: AssignmentEntity[]; incidentTypes: string[] }> {
    const refs = [...new Set(entityRefs.map(lower))];
    const likely = [...new Set(likelySystemRefs.map(lower))].filter(ref => !refs.includes(ref));
    const asRead = (item: Entity | undefined) => item;
    const read = await this.readByRef(credentials, 'entity', [...refs, ...likely], asRead);
    const entities = new Map<string, AssignmentEntity>();
    const incidentTypes = new Set<string>();
    const systems = new Set<string>();
    for (const ref of refs) {
      const item = read.get(ref);
      if (!item) continue;
      const described = entityOf(item, ref);
      entities.set(described.entityRef, described);
      if (described.systemRef) systems.add(lower(described.systemRef));
      readAnnotationList(item.metadata.annotations, ANNOTATION_INCIDENT_TYPES).forEach(t => incidentTypes.add(t));
    }
    const systemRefs = [...systems].filter(ref => !entities.has(ref));
    const missing = systemRefs.filter(ref => !read.has(ref));
    if (missing.length > 0) {
      for (const [ref, item] of await this.readByRef(credentials, 'entity', missing, asRead)) read.set(ref, item);
    }
    for (const ref of systemRefs) {
      const item = read.get(ref);
      if (item) entities.set(ref, entityOf(item, ref));
    }
    return { entities: [...entities.values()], incidentTypes: [...incidentTypes].sort(compareStrings) };
  }

  private async readSummaries(userRefs: string[]): Promise<Map<string, ReputationSummary>> {
    return userRefs.length === 0 ? new Map() : this.options.reputation.summariesOf(userRefs);
  }

  /** Reputation of the people among `users` with a record; the others have none, and no level. */
  private async loadReputation(users: AssignmentUser[]): Promise<AssignmentReputation[]> {
    return reputationOf(users, await this.readSummaries(users.map(u => u.userRef)));
  }

  /** The engine's input for a target, loaded with the caller's catalog credentials. */
  async loadInput(
    target: Omit<AssignmentTarget, 'entities'> & { entityRefs: string[]; recorded?: AssignmentTarget['entities'] },
    credentials: BackstageCredentials,
    now: string,
    options: { groupRef?: string; open?: AssignmentIncident[] } = {},
  ): Promise<AssignmentInput> {
    const nowMs = Date.parse(now);
    const historyFilter = (systemRefs: string[], incidentType: string | undefined): HistoryFilter => ({
      entityRefs: target.entityRefs.map(lower),
      systemRefs: [...new Set(systemRefs)],
      incidentType,
      since: this.historySince(nowMs),
      limit: this.settings.maxHistoryIncidents,
    });
    // For a declared incident with a type, the history is most likely that of the systems recorded at
    // declaration: read at once, while the catalog is asked, and used if the catalog agrees.
    const likelyFilter =
      target.recorded && target.incidentType !== undefined
        ? historyFilter(
            target.entityRefs.flatMap(ref => target.recorded!.find(e => e.entityRef === ref)?.systemRef ?? []),
            target.incidentType,
          )
        : undefined;
    const likelyHistory = likelyFilter ? this.options.store.listHistory(likelyFilter) : undefined;
    // Not awaited when the catalog disagrees: its failure then concerns no one.
    likelyHistory?.catch(() => undefined);
    const [teamMembers, { entities, incidentTypes }, open] = await Promise.all([
      options.groupRef ? this.loadMembers(credentials, [options.groupRef]) : Promise.resolve(undefined),
      this.loadEntities(
        target.entityRefs,
        credentials,
        (target.recorded ?? []).map(e => e.systemRef).filter((ref): ref is string => Boolean(ref)),
      ),
      options.open ?? this.options.store.listOpenIncidents(this.settings.maxOpenIncidents),
    ]);
    const byRef = new Map(entities.map(e => [e.entityRef, e]));
    const affected = target.entityRefs.map(ref => {
      const recorded = target.recorded?.find(e => e.entityRef === ref);
      const current = byRef.get(lower(ref));
      // Today's owner and system from the catalog; what was recorded at declaration otherwise.
      const ownerRef = current?.ownerRef ?? recorded?.ownerRef;
      const systemRef = current?.systemRef ?? recorded?.systemRef;
      return { entityRef: lower(ref), ...(ownerRef ? { ownerRef } : {}), ...(systemRef ? { systemRef } : {}) };
    });
    // Without a type of its own, an incident takes the type its entities declare when they agree on one.
    const incidentType = target.incidentType ?? (incidentTypes.length === 1 ? incidentTypes[0] : undefined);
    const systemRefs = [...new Set(affected.map(e => e.systemRef).filter((s): s is string => Boolean(s)))];
    // The owning teams are known from the entities: their members are read while the history loads.
    const owningGroups = [...whoCanMatter(affected, byRef, []).owners].filter(ref => !ref.startsWith('user:')).sort(compareStrings);
    const filter = historyFilter(systemRefs, incidentType);
    const [members, history] = await Promise.all([
      teamMembers ? Promise.resolve([]) : this.loadMembers(credentials, owningGroups),
      likelyHistory && likelyFilter && sameHistoryFilter(filter, likelyFilter) ? likelyHistory : this.options.store.listHistory(filter),
    ]);
    const incidents = new Map<string, AssignmentIncident>();
    for (const incident of [...history, ...open]) incidents.set(incident.id, incident);
    // For a team, all its members; otherwise only the people who can matter for this incident.
    let candidates: AssignmentUser[];
    let reputation: AssignmentReputation[];
    if (teamMembers) {
      candidates = teamMembers.sort((a, b) => compareStrings(a.userRef, b.userRef));
      reputation = await this.loadReputation(candidates);
    } else {
      ({ candidates, reputation } = await this.loadCandidates(credentials, affected, byRef, [...incidents.values()], members));
    }
    const { entityRefs: _refs, recorded: _recorded, ...rest } = target;
    return {
      incident: { ...rest, ...(incidentType ? { incidentType } : {}), entities: affected },
      users: candidates,
      entities,
      incidents: [...incidents.values()],
      reputation,
      ...(this.settings.timeZone ? { timeZone: this.settings.timeZone } : {}),
    };
  }

  /** What the store keeps for histories loaded or renewed ahead of requests (a scheduled task). */
  async prepareHistory(): Promise<void> {
    await this.options.store.prepareHistory?.(this.historySince(Date.parse(this.now())));
  }

  /** The oldest declaration a history holds at `nowMs`: `historyDays` back. */
  private historySince(nowMs: number): string {
    return new Date(nowMs - this.settings.historyDays * MS_PER_DAY).toISOString();
  }

  private async suggestFor(id: string, credentials: BackstageCredentials, now: string) {
    // Who is busy does not depend on the incident: read at the same time.
    const [incident, open] = await Promise.all([
      this.options.store.getIncident(id),
      this.options.store.listOpenIncidents(this.settings.maxOpenIncidents),
    ]);
    if (!incident) throw new NotFoundError(`No incident with id ${id}`);
    const input = await this.loadInput(
      {
        id: incident.id,
        ...(incident.title ? { title: incident.title } : {}),
        severity: incident.severity,
        ...(incident.incidentType ? { incidentType: incident.incidentType } : {}),
        declaredAt: incident.declaredAt,
        entityRefs: incident.entities.map(e => e.entityRef),
        recorded: incident.entities,
      },
      credentials,
      now,
      { open },
    );
    return suggestAssignments(input, now, this.options.config);
  }

  // -------------------------------------------------------------------------
  // What the routes call

  /** Suggestions for a declared incident. */
  async forIncident(id: string, reader: SuggestionReader): Promise<AssignmentSuggestions> {
    return this.suggestFor(id, reader.credentials, this.now());
  }

  /** Suggestions for an incident about to be declared. */
  async forDraft(body: DraftSuggestionBody, reader: SuggestionReader): Promise<AssignmentSuggestions> {
    const now = this.now();
    const input = await this.loadInput(
      { id: 'draft', severity: body.severity, ...(body.incidentType ? { incidentType: body.incidentType } : {}), declaredAt: now, entityRefs: body.entityRefs },
      reader.credentials,
      now,
    );
    if (body.tags?.length) {
      // Tags of the draft count as tech values, beside the entities' `majorops.dev/tech`.
      const tech = new Set(body.tags.map(t => t.trim().toLowerCase()));
      for (const e of input.entities) if (body.entityRefs.includes(e.entityRef)) e.tech?.forEach(t => tech.add(t));
      input.incident.tech = [...tech].sort(compareStrings);
    }
    return suggestAssignments(input, now, this.options.config);
  }

  /**
   * Members of a team who may command a SEV1 or SEV2 now (level, not
   * suspended, not already commanding elsewhere), best first, with reasons.
   * Ranked as for a SEV2 on the entities the team owns.
   */
  async readyCommanders(groupRef: string, reader: SuggestionReader): Promise<{ groupRef: string; items: AssignmentCandidate[] }> {
    const { credentials } = reader;
    const group = await this.options.catalog.getEntityByRef(groupRef, { credentials });
    if (!group || lower(group.kind) !== 'group') throw new NotFoundError(`No group ${groupRef} in the catalog`);
    const { items: owned } = await this.options.catalog.getEntities(
      { filter: { 'relations.ownedBy': groupRef }, fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    const now = this.now();
    const input = await this.loadInput(
      { id: `ready:${groupRef}`, severity: 'SEV2', declaredAt: now, entityRefs: owned.map(e => lower(stringifyEntityRef(e))).slice(0, 50) },
      credentials,
      now,
      { groupRef },
    );
    // Members named only by the group's hasMember relations count too.
    const known = new Set(input.users.map(u => u.userRef));
    const extra = (group.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER && lower(r.targetRef).startsWith('user:') && !known.has(lower(r.targetRef)))
      .map(r => lower(r.targetRef));
    if (extra.length > 0) {
      const found = await this.options.catalog.getEntitiesByRefs({ entityRefs: extra, fields: USER_FIELDS }, { credentials });
      const users = found.items.filter((u): u is Entity => Boolean(u)).map(userOf);
      input.users.push(...users);
      input.reputation.push(...(await this.loadReputation(users)));
    }
    const suggestions = suggestAssignments(input, now, { ...this.options.config, topN: Math.max(1, input.users.length) });
    return { groupRef, items: suggestions.incidentCommander };
  }

  /**
   * Takes a suggested person for a role: assigns it through the incident
   * service as the signed-in user, then records the acceptance with the place
   * the person had among the suggestions at that moment.
   */
  async accept(id: string, body: AcceptSuggestionBody, actorRef: string, credentials: BackstageCredentials): Promise<Incident> {
    const now = this.now();
    const suggestions = await this.suggestFor(id, credentials, now);
    const suggested =
      body.role === 'incident-commander'
        ? suggestions.incidentCommander.map(c => c.userRef)
        : suggestions.operationsChief
          ? [suggestions.operationsChief.userRef]
          : [];
    const index = suggested.indexOf(body.userRef);
    const incident = await this.options.assignRole(id, body.role, body.userRef, body.version, actorRef, credentials);
    await this.options.store.recordAcceptance({
      incidentId: id,
      role: body.role,
      userRef: body.userRef,
      ...(index >= 0 ? { rankAtAcceptance: index + 1 } : {}),
      suggestedTopN: suggested,
      acceptedBy: actorRef,
      acceptedAt: now,
    });
    return incident;
  }

  /** How often SEV1/SEV2 commanders were taken from the suggested top N, for incidents declared in [from, to). */
  async metrics(range: { from?: string; to?: string }): Promise<SuggestionMetrics> {
    const [acceptances, incidents] = await Promise.all([
      this.options.store.listAcceptances(range),
      this.options.store.listCommandedIncidents(range),
    ]);
    const major = new Set(incidents.map(i => i.incidentId));
    const commanderAcceptances = acceptances.filter(a => a.role === 'incident-commander' && major.has(a.incidentId));
    const amongSuggested = acceptanceRate(
      commanderAcceptances.map(a => ({ incidentId: a.incidentId, asOf: a.acceptedAt, incidentCommander: a.suggestedTopN.map(userRef => ({ userRef })) as AssignmentCandidate[] })),
      // The commander that counts is the one taken through a suggestion (the declarer commands until then).
      commanderAcceptances.map(a => ({ incidentId: a.incidentId, commanderRef: a.userRef, acceptedAt: a.acceptedAt })),
    );
    const commanded = incidents.filter(i => i.commanderRef).length;
    const topN = this.options.config.topN;
    return {
      ...(range.from ? { from: range.from } : {}),
      ...(range.to ? { to: range.to } : {}),
      severities: ['SEV1', 'SEV2'],
      topN,
      incidents: commanded,
      acceptedFromTopN: amongSuggested.accepted,
      ...(commanded > 0 ? { rate: Math.round((amongSuggested.accepted / commanded) * 1000) / 1000 } : {}),
      amongSuggested,
      explanation:
        `${amongSuggested.accepted} of ${commanded} SEV1/SEV2 incident${commanded === 1 ? '' : 's'} with a commander had their commander ` +
        `taken from the top ${topN} suggested; ${amongSuggested.incidents} had a commander suggestion accepted at all.`,
    };
  }
}

/**
 * The people who can matter for an incident: members of the groups (or the
 * users) owning an affected entity or its system, and everyone with a role on
 * a loaded incident — past ones on the same entities, systems or type
 * (expertise, engagement pattern) and open ones (busy elsewhere). Anyone else
 * has no ownership, expertise or busy signal for it, so neither their
 * reputation is computed nor are they listed as left out.
 */
export function candidatesOf(
  users: AssignmentUser[],
  affected: Array<{ ownerRef?: string; systemRef?: string }>,
  entities: ReadonlyMap<string, AssignmentEntity>,
  incidents: Iterable<AssignmentIncident>,
): AssignmentUser[] {
  return keepWhoCanMatter(users, whoCanMatter(affected, entities, incidents));
}

function keepWhoCanMatter(users: AssignmentUser[], { owners, engaged }: { owners: Set<string>; engaged: Set<string> }): AssignmentUser[] {
  return users.filter(u => engaged.has(u.userRef) || owners.has(u.userRef) || u.memberOf.some(g => owners.has(g)));
}

/**
 * What {@link candidatesOf} keeps people by: the owners (groups or users) of
 * the affected entities and of their systems, and the refs of everyone with a
 * role on a loaded incident, all lower case.
 */
export function whoCanMatter(
  affected: Array<{ ownerRef?: string; systemRef?: string }>,
  entities: ReadonlyMap<string, AssignmentEntity>,
  incidents: Iterable<AssignmentIncident>,
): { owners: Set<string>; engaged: Set<string> } {
  const owners = new Set<string>();
  for (const e of affected) {
    if (e.ownerRef) owners.add(lower(e.ownerRef));
    const systemOwner = e.systemRef ? entities.get(lower(e.systemRef))?.ownerRef : undefined;
    if (systemOwner) owners.add(lower(systemOwner));
  }
  const engaged = new Set<string>();
  for (const incident of incidents) for (const role of incident.roles) engaged.add(lower(role.userRef));
  return { owners, engaged };
}

/** Whether two history filters select the same incidents (the order of refs does not matter). */
function sameHistoryFilter(a: HistoryFilter, b: HistoryFilter): boolean {
  const same = (x: string[], y: string[]) => {
    const setX = new Set(x);
    const setY = new Set(y);
    return setX.size === setY.size && [...setX].every(v => setY.has(v));
  };
  return (
    a.incidentType === b.incidentType && a.since === b.since && a.limit === b.limit && same(a.entityRefs, b.entityRefs) && same(a.systemRefs, b.systemRefs)
  );
}

/**
 * The engine's reputation written for a summary, reused while the summary
 * object is (the reader keeps summaries in process); neither is ever changed.
 */
const reputationOfSummary = new WeakMap<ReputationSummary, AssignmentReputation>();

/** The engine's reputation of each of `users` with a summary, in their order. */
function reputationOf(users: AssignmentUser[], summaries: ReadonlyMap<string, ReputationSummary>): AssignmentReputation[] {
  const out: AssignmentReputation[] = [];
  for (const user of users) {
    const summary = summaries.get(user.userRef);
    if (!summary) continue;
    let reputation = reputationOfSummary.get(summary);
    if (!reputation || reputation.userRef !== user.userRef) {
      const { computedAt: _computedAt, ...rest } = summary;
      reputation = { ...rest, userRef: user.userRef };
      reputationOfSummary.set(summary, reputation);
    }
    out.push(reputation);
  }
  return out;
}

function userOf(user: Entity): AssignmentUser {
  const memberOf = new Set<string>();
  for (const r of user.relations ?? []) if (r.type === RELATION_MEMBER_OF) memberOf.add(lower(r.targetRef));
  const displayName = (user.spec?.profile as { displayName?: string } | undefined)?.displayName;
  return {
    userRef: lower(stringifyEntityRef(user)),
    ...(displayName ? { displayName } : {}),
    memberOf: [...memberOf].sort(compareStrings),
  };
}

function entityOf(item: Entity, ref: string): AssignmentEntity {
  const { ownerRef, systemRef } = ownerAndSystemOf(item);
  const tech = readAnnotationList(item.metadata.annotations, ANNOTATION_TECH);
  return {
    entityRef: lower(ref),
    ...(ownerRef ? { ownerRef: lower(ownerRef) } : {}),
    ...(systemRef ? { systemRef: lower(systemRef) } : {}),
    ...(tech.length ? { tech } : {}),
  };
}
