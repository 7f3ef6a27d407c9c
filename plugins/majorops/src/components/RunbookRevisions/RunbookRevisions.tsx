import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Page, RunbookRevision } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { majorOpsApiRef, RunbookView } from '../../api';
import { RunbookMarkdown } from '../RunbookViewer/RunbookMarkdown';
import { timeAgo } from '../time';
import { LineDiffView } from './LineDiffView';

const PAGE_SIZE = 50;

/** Ticks at most two revisions: ticking a third drops the one ticked first. */
export function toggleSelection(selected: number[], revision: number): number[] {
  if (selected.includes(revision)) return selected.filter(r => r !== revision);
  return [...selected, revision].slice(-2);
}

function RevisionContent(props: { runbookId: string; revision: number }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRunbookRevision(props.runbookId, props.revision),
    [api, props.runbookId, props.revision],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  return (
    <section aria-label={`Revision ${value.revision}`}>
      <Typography variant="h6">
        Revision {value.revision}: {value.title}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {new Date(value.createdAt).toLocaleString()} by <EntityRefLink entityRef={value.authorRef} defaultKind="user" />
        {value.changeNote ? ` — ${value.changeNote}` : ''}
      </Typography>
      <RunbookMarkdown content={value.body} />
    </section>
  );
}

function RevisionComparison(props: { runbookId: string; from: number; to: number }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      Promise.all([
        api.getRunbookRevision(props.runbookId, props.from),
        api.getRunbookRevision(props.runbookId, props.to),
      ]),
    [api, props.runbookId, props.from, props.to],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const [older, newer] = value;
  const label = `Changes from revision ${older.revision} to revision ${newer.revision}`;
  return (
    <section aria-label={label}>
      <Typography variant="h6">{label}</Typography>
      {older.title !== newer.title && (
        <Typography variant="body2" gutterBottom>
          Title: <del>{older.title}</del> → <ins>{newer.title}</ins>
        </Typography>
      )}
      <LineDiffView oldText={older.body} newText={newer.body} label={label} />
    </section>
  );
}

type Shown = { kind: 'view'; revision: number } | { kind: 'compare'; from: number; to: number };

/**
 * The revisions of a runbook, newest first: every edit with its author, time
 * and note. One revision can be viewed, two can be compared line by line.
 */
export function RunbookRevisions(props: { runbook: RunbookView; onClose: () => void }) {
  const api = useApi(majorOpsApiRef);
  const { id } = props.runbook;
  const [pages, setPages] = useState<Page<RunbookRevision>[]>([]);
  const [selected, setSelected] = useState<number[]>([]);
  const [shown, setShown] = useState<Shown | undefined>();

  const first = useAsync(async () => {
    const page = await api.listRunbookRevisions(id, { limit: PAGE_SIZE });
    setPages([page]);
  }, [api, id, props.runbook.version]);
  const nextCursor = pages[pages.length - 1]?.nextCursor;
  const [older, loadOlder] = useAsyncFn(async () => {
    const page = await api.listRunbookRevisions(id, { limit: PAGE_SIZE, cursor: nextCursor });
    setPages(previous => [...previous, page]);
  }, [api, id, nextCursor]);

  const revisions = pages.flatMap(p => p.items);
  const compare = () => {
    const [a, b] = selected;
    setShown({ kind: 'compare', from: Math.min(a, b), to: Math.max(a, b) });
  };

  return (
    <InfoCard
      title={`History of ${props.runbook.title}`}
      subheader="Every edit is a revision. Tick two to compare them."
      action={<Button onClick={props.onClose}>Back to runbook</Button>}
    >
      {first.loading && <Progress />}
      {first.error && <ResponseErrorPanel error={first.error} />}
      {!first.loading && !first.error && (
        <>
          <Table size="small" aria-label="Revisions">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">Compare</TableCell>
                <TableCell>Revision</TableCell>
                <TableCell>Author</TableCell>
                <TableCell>When</TableCell>
                <TableCell>Note</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {revisions.map(r => (
                <TableRow key={r.revision} selected={selected.includes(r.revision)}>
                  <TableCell padding="checkbox">
                    <Checkbox
                      size="small"
                      checked={selected.includes(r.revision)}
                      onChange={() => setSelected(s => toggleSelection(s, r.revision))}
                      inputProps={{ 'aria-label': `Compare revision ${r.revision}` }}
                    />
                  </TableCell>
                  <TableCell>{r.revision}</TableCell>
                  <TableCell>
                    <EntityRefLink entityRef={r.authorRef} defaultKind="user" />
                  </TableCell>
                  <TableCell title={new Date(r.createdAt).toLocaleString()}>{timeAgo(r.createdAt)}</TableCell>
                  <TableCell>{r.changeNote ?? ''}</TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      aria-label={`View revision ${r.revision}`}
                      onClick={() => setShown({ kind: 'view', revision: r.revision })}
                    >
                      View
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {older.error && <ResponseErrorPanel error={older.error} />}
          <div style={{ display: 'flex', gap: 8, margin: '12px 0' }}>
            <Button variant="contained" color="primary" disabled={selected.length !== 2} onClick={compare}>
              Compare revisions
            </Button>
            {nextCursor && (
              <Button disabled={older.loading} onClick={() => loadOlder()}>
                Load older revisions
              </Button>
            )}
          </div>
        </>
      )}
      {shown?.kind === 'view' && <RevisionContent runbookId={id} revision={shown.revision} />}
      {shown?.kind === 'compare' && <RevisionComparison runbookId={id} from={shown.from} to={shown.to} />}
    </InfoCard>
  );
}
