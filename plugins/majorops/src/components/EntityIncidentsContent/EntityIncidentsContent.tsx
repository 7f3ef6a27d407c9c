import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_INCIDENT_TYPES,
  readAnnotationList,
  SEVERITIES,
  type Severity,
  type Incident,
  type Page,
} from '@majorops/plugin-majorops-common';
import { useNavigate } from 'react-router-dom';
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ListIncidentsRequest, majorOpsApiRef } from '../../api';
import { DeclareIncidentDialog } from '../DeclareIncidentDialog';
import { FollowThroughCard, OverdueFollowUpsCard } from '../FollowThrough';
import { IncidentMetricsCard } from '../IncidentMetrics';
import { SeverityChip } from '../SeverityChip';
import { useIncidentLink } from '../useIncidentLink';
import { durationBetween, timeAgo } from '../time';

function commanderOf(incident: Incident) {
  return incident.roles.find(r => r.role === 'incident-commander')?.userRef;
}

const commonColumns = (link: (id: string) => string): TableColumn<Incident>[] => [
  {
    title: 'Severity',
    field: 'severity',
    width: '90px',
    render: incident => <SeverityChip severity={incident.severity} />,
  },
  { title: 'Title', field: 'title', render: incident => <Link to={link(incident.id)}>{incident.title}</Link> },
  { title: 'Status', field: 'status' },
  {
    title: 'Commander',
    render: incident => {
      const ref = commanderOf(incident);
      return ref ? <EntityRefLink entityRef={ref} defaultKind="user" /> : 'unassigned';
    },
  },
];

/** "in 12 min" or "overdue 5 min" for the next status update, from the incident's cadence. */
export function nextUpdateText(nextDueAt: string | undefined, now: Date = new Date()): string {
  if (!nextDueAt) return '—';
  const minutes = Math.round((Date.parse(nextDueAt) - now.getTime()) / 60000);
  return minutes < 0 ? `overdue ${-minutes} min` : `in ${minutes} min`;
}

const openColumns = (
  link: (id: string) => string,
  nextDue: Map<string, string | undefined>,
): TableColumn<Incident>[] => [
  ...commonColumns(link),
  {
    title: 'Declared',
    render: incident => timeAgo(incident.milestones.declaredAt),
  },
  {
    title: 'Next update',
    render: incident => {
      const text = nextUpdateText(nextDue.get(incident.id));
      return <span style={text.startsWith('overdue') ? { color: '#b71c1c', fontWeight: 600 } : undefined}>{text}</span>;
    },
  },
];

const historyColumns = (link: (id: string) => string): TableColumn<Incident>[] => [
  ...commonColumns(link),
  {
    title: 'Declared',
    render: incident => new Date(incident.milestones.declaredAt).toLocaleString(),
  },
  {
    title: 'Time to resolve',
    render: incident =>
      durationBetween(
        incident.milestones.impactStartedAt ?? incident.milestones.declaredAt,
        incident.milestones.resolvedAt,
      ) ?? '—',
  },
  {
    title: 'Caused by',
    render: incident => (incident.externalCause ? 'third party' : 'internal'),
  },
];

/** The request scope of an entity page: a group's owned entities, or the entity itself. */
function scopeOf(kind: string, entityRef: string): Pick<ListIncidentsRequest, 'entityRef' | 'groupRef'> {
  return kind.toLocaleLowerCase('en-US') === 'group' ? { groupRef: entityRef } : { entityRef };
}

/**
 * The Incidents tab of an entity page: open incidents first, then the history,
 * paged from the MajorOps backend.
 *
 * @public
 */
export function EntityIncidentsContent() {
  const { entity } = useEntity();
  const api = useApi(majorOpsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const scope = scopeOf(entity.kind, entityRef);
  const [history, setHistory] = useState<Incident[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | undefined>();
  const [declaring, setDeclaring] = useState(false);
  const [severityFilter, setSeverityFilter] = useState<Severity | 'all'>('all');
  const incidentLink = useIncidentLink();
  const navigate = useNavigate();
  const isGroup = Boolean(scope.groupRef);
  // The entity this component shows now: a page that arrives for an entity the
  // user has since left is dropped instead of being mixed into another history.
  // (The filter is part of the key: a page for another filter is dropped too.)
  const viewKey = `${entityRef}|${severityFilter}`;
  const currentRef = useRef(viewKey);
  currentRef.current = viewKey;
  const historyRequest = (cursor?: string) =>
    api.listIncidents({
      ...scope,
      status: ['resolved', 'closed'],
      severity: severityFilter === 'all' ? undefined : [severityFilter],
      limit: 20,
      cursor,
    });

  const initial = useAsync(async () => {
    const [open, past] = await Promise.all([
      api.listIncidents({ ...scope, status: ['open'], limit: 100 }),
      api.listIncidents({ ...scope, status: ['resolved', 'closed'], limit: 20 }),
    ]);
    setHistory(past.items);
    setNextCursor(past.nextCursor);
    // The cadence of each open incident; a failure here only blanks the column.
    const insights = await Promise.all(
      open.items.slice(0, 50).map(i => api.getInsights(i.id).then(x => x, () => undefined)),
    );
    const nextDue = new Map(open.items.slice(0, 50).map((i, n) => [i.id, insights[n]?.cadence.nextDueAt]));
    return { open, nextDue };
  }, [api, entityRef]);

  /** Loads a history page for the current entity and filter; replaces or appends. */
  const loadHistory = useCallback(
    async (cursor?: string) => {
      const requestedFor = viewKey;
      setLoadingMore(true);
      setMoreError(undefined);
      try {
        const page: Page<Incident> = await historyRequest(cursor);
        if (currentRef.current !== requestedFor) return;
        setHistory(h => (cursor ? [...h, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (e) {
        if (currentRef.current === requestedFor) setMoreError(e as Error);
      } finally {
        if (currentRef.current === requestedFor) setLoadingMore(false);
      }
    },
    // scope and historyRequest derive from viewKey
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, viewKey],
  );
  const loadMore = () => nextCursor && loadHistory(nextCursor);
  const changeSeverityFilter = (value: Severity | 'all') => {
    setSeverityFilter(value);
    setHistory([]);
    setNextCursor(undefined);
  };
  // The first history page comes with the first load; later filter changes reload it.
  const filterChanged = useRef(false);
  useEffect(() => {
    if (!filterChanged.current) {
      filterChanged.current = true;
      return;
    }
    loadHistory();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [severityFilter]);

  const declareButton = (
    <Button variant="contained" color="secondary" onClick={() => setDeclaring(true)}>
      Declare incident
    </Button>
  );
  const dialog = declaring && (
    <DeclareIncidentDialog
      open
      onClose={() => setDeclaring(false)}
      onDeclared={incident => navigate(incidentLink(incident.id))}
      initialEntityRefs={isGroup ? [] : [entityRef.toLocaleLowerCase('en-US')]}
      suggestedTypes={readAnnotationList(entity.metadata.annotations, ANNOTATION_INCIDENT_TYPES)}
    />
  );

  if (initial.loading) return <Progress />;
  if (initial.error) return <ResponseErrorPanel error={initial.error} />;
  const open = initial.value!.open.items;
  const nextDue = initial.value!.nextDue;

  if (open.length === 0 && history.length === 0 && severityFilter === 'all' && !loadingMore) {
    return (
      <>
        <EmptyState
          missing="data"
          title="No incidents recorded"
          description={`MajorOps has no incident touching ${entityRef}${scope.groupRef ? ' or anything the group owns' : ''}. When one is declared, it appears here with its timeline and metrics.`}
          action={declareButton}
        />
        {dialog}
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      {dialog}
      <Grid item xs={12} style={{ display: 'flex', justifyContent: 'flex-end' }}>
        {declareButton}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`Open incidents (${open.length})`}>
          {open.length === 0 ? (
            <Typography variant="body2">No open incidents. All quiet.</Typography>
          ) : (
            <Table<Incident>
              options={{ paging: false, search: false, toolbar: false, padding: 'dense' }}
              columns={openColumns(incidentLink, nextDue)}
              data={open}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <OverdueFollowUpsCard {...scope} />
      </Grid>
      <Grid item xs={12}>
        <TextField
          select
          id="history-severity-filter"
          label="Severity"
          value={severityFilter}
          onChange={e => changeSeverityFilter(e.target.value as Severity | 'all')}
          variant="outlined"
          margin="dense"
          SelectProps={{ native: true }}
          style={{ minWidth: 140 }}
        >
          <option value="all">All severities</option>
          {SEVERITIES.map(sev => (
            <option key={sev} value={sev}>
              {sev}
            </option>
          ))}
        </TextField>
        <Table<Incident>
          title="Incident history"
          options={{ paging: false, search: true, padding: 'dense' }}
          columns={historyColumns(incidentLink)}
          data={history}
          isLoading={loadingMore && history.length === 0}
          emptyContent={
            <Typography variant="body2">
              {severityFilter === 'all' ? 'No resolved incidents yet.' : `No resolved ${severityFilter} incidents.`}
            </Typography>
          }
        />
        {moreError && <ResponseErrorPanel error={moreError} />}
        {nextCursor && (
          <Button variant="outlined" onClick={loadMore} disabled={loadingMore} style={{ marginTop: 8 }}>
            {loadingMore ? 'Loading…' : 'Load older incidents'}
          </Button>
        )}
      </Grid>
      <Grid item xs={12}>
        <IncidentMetricsCard {...scope} />
      </Grid>
      <Grid item xs={12}>
        <FollowThroughCard {...scope} />
      </Grid>
    </Grid>
  );
}
