import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import {
  INCIDENT_ROLE_TITLES,
  INCIDENT_ROLES,
  type Incident,
  type IncidentRole,
} from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import { CatalogEntityPicker } from '../UserPicker';

/** The command structure: who holds which role, with explicit assignment, hand-over and release. */
export function RolesCard(props: {
  incident: Incident;
  busy: boolean;
  onAssign: (role: IncidentRole, userRef: string) => void;
  onRelease: (role: IncidentRole) => void;
}) {
  const [editing, setEditing] = useState<IncidentRole | undefined>();
  const [choice, setChoice] = useState<string[]>([]);
  const closed = props.incident.status === 'closed';
  return (
    <InfoCard title="Roles">
      <Table size="small" aria-label="Roles">
        <TableBody>
          {INCIDENT_ROLES.map(role => {
            const holder = props.incident.roles.find(r => r.role === role);
            return (
              <TableRow key={role}>
                <TableCell>{INCIDENT_ROLE_TITLES[role]}</TableCell>
                <TableCell>
                  {editing === role ? (
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
                </TableCell>
                <TableCell align="right">
                  {editing === role ? (
                    <>
                      <Button
                        size="small"
                        color="primary"
                        disabled={props.busy || choice.length === 0}
                        onClick={() => {
                          props.onAssign(role, choice[0]);
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
                          aria-label={`${holder ? 'Hand over' : 'Assign'} ${INCIDENT_ROLE_TITLES[role]}`}
                          onClick={() => {
                            setChoice([]);
                            setEditing(role);
                          }}
                        >
                          {holder ? 'Hand over' : 'Assign'}
                        </Button>
                        {holder && (
                          <Button
                            size="small"
                            aria-label={`Release ${INCIDENT_ROLE_TITLES[role]}`}
                            disabled={props.busy}
                            onClick={() => props.onRelease(role)}
                          >
                            Release
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
