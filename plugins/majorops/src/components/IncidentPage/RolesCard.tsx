import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  INCIDENT_ROLE_TITLES,
  INCIDENT_ROLES,
  type Incident,
  type IncidentRole,
} from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import { CatalogEntityPicker } from '../UserPicker';

/**
 * The command structure: who holds which role, with explicit assignment,
 * hand-over and release; and who shadows each role to learn it (the holder is
 * credited with mentoring them).
 */
export function RolesCard(props: {
  incident: Incident;
  busy: boolean;
  onAssign: (role: IncidentRole, userRef: string) => void;
  onRelease: (role: IncidentRole) => void;
  onShadow: (role: IncidentRole, userRef: string) => void;
  onEndShadow: (role: IncidentRole, userRef: string) => void;
}) {
  const [editing, setEditing] = useState<{ role: IncidentRole; shadow: boolean } | undefined>();
  const [choice, setChoice] = useState<string[]>([]);
  const closed = props.incident.status === 'closed';
  const inProgress = !closed && props.incident.status !== 'resolved';
  const open = (role: IncidentRole, shadow: boolean) => {
    setChoice([]);
    setEditing({ role, shadow });
  };
  return (
    <InfoCard title="Roles">
      <Table size="small" aria-label="Roles">
        <TableBody>
          {INCIDENT_ROLES.map(role => {
            const holder = props.incident.roles.find(r => r.role === role);
            const shadows = (props.incident.shadows ?? []).filter(s => s.role === role);
            const title = INCIDENT_ROLE_TITLES[role];
            const here = editing?.role === role;
            return (
              <TableRow key={role}>
                <TableCell>{title}</TableCell>
                <TableCell>
                  {here && !editing.shadow ? (
                    <CatalogEntityPicker
                      id={`assign-${role}`}
                      kinds={['User']}
                      label="Person"
                      value={choice}
                      onChange={setChoice}
                    />
                  ) : holder ? (
                    <EntityRefLink entityRef={holder.userRef} defaultKind="user" />
                  ) : (
                    'unassigned'
                  )}
                  {shadows.map(shadow => (
                    <Typography key={shadow.userRef} variant="body2" color="textSecondary" component="div">
                      shadow: <EntityRefLink entityRef={shadow.userRef} defaultKind="user" />
                      {inProgress && (
                        <Button
                          size="small"
                          aria-label={`End shadow of ${title} by ${shadow.userRef}`}
                          disabled={props.busy}
                          onClick={() => props.onEndShadow(role, shadow.userRef)}
                        >
                          End
                        </Button>
                      )}
                    </Typography>
                  ))}
                  {here && editing.shadow && (
                    <CatalogEntityPicker
                      id={`shadow-${role}`}
                      kinds={['User']}
                      label="Shadow"
                      value={choice}
                      onChange={setChoice}
                    />
                  )}
                </TableCell>
                <TableCell align="right">
                  {here ? (
                    <>
                      <Button
                        size="small"
                        color="primary"
                        disabled={props.busy || choice.length === 0}
                        onClick={() => {
                          if (editing.shadow) props.onShadow(role, choice[0]);
                          else props.onAssign(role, choice[0]);
                          setEditing(undefined);
                        }}
                      >
                        Save
                      </Button>
                      <Button size="small" onClick={() => setEditing(undefined)}>
                        Cancel
                      </Button>
                    </>
                  ) : (
                    !closed && (
                      <>
                        <Button
                          size="small"
                          aria-label={`${holder ? 'Hand over' : 'Assign'} ${title}`}
                          onClick={() => open(role, false)}
                        >
                          {holder ? 'Hand over' : 'Assign'}
                        </Button>
                        {holder && (
                          <Button
                            size="small"
                            aria-label={`Release ${title}`}
                            disabled={props.busy}
                            onClick={() => props.onRelease(role)}
                          >
                            Release
                          </Button>
                        )}
                        {holder && inProgress && (
                          <Button size="small" aria-label={`Add shadow to ${title}`} onClick={() => open(role, true)}>
                            Shadow
                          </Button>
                        )}
                      </>
                    )
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
