import { useApi } from '@backstage/core-plugin-api';
import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  formatMinutes,
  SEVERITIES,
  type Incident,
  type Severity,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { SeverityChip } from '../SeverityChip';
import { DraftSuggestions } from '../Suggestions';
import { CatalogEntityPicker } from '../UserPicker';

export interface DeclareIncidentDialogProps {
  open: boolean;
  onClose: () => void;
  onDeclared: (incident: Incident) => void;
  /** Entities the incident starts with, e.g. the page's own entity. */
  initialEntityRefs: string[];
  /** Incident types suggested by the entity's `majorops.dev/incident-types`. */
  suggestedTypes?: string[];
}

/**
 * Declares an incident. The severity matrix is shown to help choose; affected
 * entities are picked from the catalog; the declarer becomes the commander
 * unless someone else is picked, e.g. from the suggestions.
 */
export function DeclareIncidentDialog(props: DeclareIncidentDialogProps) {
  const api = useApi(majorOpsApiRef);
  const matrix = useAsync(() => api.getSeverityMatrix(), [api]);
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] = useState<Severity>('SEV2');
  const [incidentType, setIncidentType] = useState('');
  const [entityRefs, setEntityRefs] = useState<string[]>(props.initialEntityRefs);
  const [impactScope, setImpactScope] = useState('');
  const [customerReported, setCustomerReported] = useState(false);
  const [payingCustomer, setPayingCustomer] = useState(false);
  const [dataIntegrityConcern, setDataIntegrityConcern] = useState(false);
  const [externalCause, setExternalCause] = useState(false);
  const [commanderRef, setCommanderRef] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      const incident = await api.declareIncident({
        title,
        summary,
        severity,
        entityRefs,
        incidentType: incidentType.trim() || undefined,
        impactScope: impactScope === '' ? undefined : Number(impactScope),
        customerReported,
        payingCustomer: customerReported && payingCustomer,
        dataIntegrityConcern,
        externalCause,
        ...(commanderRef ? { commanderRef } : {}),
      });
      props.onDeclared(incident);
    } catch (e) {
      setError(e as Error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="md" fullWidth aria-labelledby="declare-incident-title">
      <form onSubmit={submit}>
        <DialogTitle id="declare-incident-title">Declare incident</DialogTitle>
        <DialogContent>
          {error && <ResponseErrorPanel error={error} />}
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <TextField
                id="declare-title"
                label="Title"
                value={title}
                onChange={e => setTitle(e.target.value)}
                required
                fullWidth
                variant="outlined"
                margin="dense"
                inputProps={{ maxLength: 200 }}
                helperText="What is broken, where: 'Checkout API returning 5xx for card payments'"
              />
            </Grid>
            <Grid item xs={12}>
              <Typography variant="subtitle2">Severity</Typography>
              <Table size="small" aria-label="Severity matrix">
                <TableHead>
                  <TableRow>
                    <TableCell padding="checkbox" />
                    <TableCell>Level</TableCell>
                    <TableCell>Criteria</TableCell>
                    <TableCell>Response</TableCell>
                    <TableCell>Updates</TableCell>
                    <TableCell>Escalation</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {SEVERITIES.map(level => {
                    const row = matrix.value?.[level];
                    return (
                      <TableRow key={level} hover selected={severity === level} onClick={() => setSeverity(level)}>
                        <TableCell padding="checkbox">
                          <Radio
                            checked={severity === level}
                            onChange={() => setSeverity(level)}
                            inputProps={{ 'aria-label': level }}
                            size="small"
                          />
                        </TableCell>
                        <TableCell>
                          <SeverityChip severity={level} /> {row?.name}
                        </TableCell>
                        <TableCell>{row?.criteria}</TableCell>
                        <TableCell>{row ? formatMinutes(row.responseTimeMinutes) : ''}</TableCell>
                        <TableCell>{row ? `every ${formatMinutes(row.updateCadenceMinutes)}` : ''}</TableCell>
                        <TableCell>{row?.escalation}</TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </Grid>
            <Grid item xs={12}>
              <CatalogEntityPicker
                id="declare-affected-entities"
                kinds={['Component', 'Resource', 'System']}
                label="Affected services and resources"
                multiple
                value={entityRefs}
                onChange={setEntityRefs}
                helperText="Owners are taken from the catalog"
              />
            </Grid>
            <Grid item xs={12}>
              <CatalogEntityPicker
                id="declare-commander"
                kinds={['User']}
                label="Incident commander"
                value={commanderRef ? [commanderRef] : []}
                onChange={refs => setCommanderRef(refs[0] ?? '')}
                helperText="Leave empty to command it yourself"
              />
              <DraftSuggestions
                severity={severity}
                entityRefs={entityRefs}
                incidentType={incidentType}
                commanderRef={commanderRef}
                onPickCommander={setCommanderRef}
              />
            </Grid>
            <Grid item xs={12} sm={6}>
              <TextField
                id="declare-incident-type"
                label="Incident type"
                value={incidentType}
                onChange={e => setIncidentType(e.target.value)}
                fullWidth
                variant="outlined"
                margin="dense"
                helperText={props.suggestedTypes?.length ? `This service sees: ${props.suggestedTypes.join(', ')}` : 'e.g. database, network, deployment'}
              />
            </Grid>
            <Grid item xs={12} sm={6}>
              <TextField
                id="declare-impact"
                label="Impact (% of users affected)"
                value={impactScope}
                onChange={e => setImpactScope(e.target.value)}
                type="number"
                inputProps={{ min: 0, max: 100, step: 'any' }}
                fullWidth
                variant="outlined"
                margin="dense"
                helperText="If it doubles, the severity goes up one level"
              />
            </Grid>
            <Grid item xs={12}>
              <TextField
                id="declare-summary"
                label="What users see"
                value={summary}
                onChange={e => setSummary(e.target.value)}
                fullWidth
                multiline
                minRows={2}
                variant="outlined"
                margin="dense"
              />
            </Grid>
            <Grid item xs={12}>
              <FormControlLabel
                control={<Checkbox checked={customerReported} onChange={e => setCustomerReported(e.target.checked)} />}
                label="Reported by a customer"
              />
              <FormControlLabel
                control={
                  <Checkbox
                    checked={payingCustomer}
                    disabled={!customerReported}
                    onChange={e => setPayingCustomer(e.target.checked)}
                  />
                }
                label="on a paying account (at least SEV2)"
              />
              <FormControlLabel
                control={<Checkbox checked={dataIntegrityConcern} onChange={e => setDataIntegrityConcern(e.target.checked)} />}
                label="Data integrity concern (SEV1)"
              />
              <FormControlLabel
                control={<Checkbox checked={externalCause} onChange={e => setExternalCause(e.target.checked)} />}
                label="Caused by a third party"
              />
            </Grid>
          </Grid>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="secondary"
            variant="contained"
            disabled={submitting || !title.trim() || entityRefs.length === 0}
          >
            {submitting ? 'Declaring…' : `Declare ${severity}`}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
