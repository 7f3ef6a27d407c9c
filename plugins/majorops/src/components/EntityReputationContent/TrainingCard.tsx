import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { TRAINING_TITLES, type TrainingRecordView } from '@majorops/plugin-majorops-common';
import type { ReactNode } from 'react';

/** Training and certification records: levels need them besides incident history. */
export function TrainingCard(props: { training: TrainingRecordView[]; action?: ReactNode }) {
  const now = Date.now();
  return (
    <InfoCard title="Training and certification" action={props.action}>
      {props.training.length === 0 ? (
        <Typography variant="body2">No training recorded yet.</Typography>
      ) : (
        <Table size="small" aria-label="Training records">
          <TableHead>
            <TableRow>
              <TableCell>Training</TableCell>
              <TableCell>Issuer</TableCell>
              <TableCell>Completed</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Recorded by</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.training.map(t => (
              <TableRow key={t.id}>
                <TableCell>{(TRAINING_TITLES as Record<string, string>)[t.kind] ?? t.kind}</TableCell>
                <TableCell>{t.issuer}</TableCell>
                <TableCell>{t.completedAt.slice(0, 10)}</TableCell>
                <TableCell>
                  {t.expiresAt
                    ? `${t.expiresAt.slice(0, 10)}${Date.parse(t.expiresAt) < now ? ' (expired)' : ''}`
                    : '—'}
                </TableCell>
                <TableCell>
                  <EntityRefLink entityRef={t.recordedBy} defaultKind="user" />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
