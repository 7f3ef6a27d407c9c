import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ContributingFactors, PostmortemKind, TimelineEvent } from '@majorops/plugin-majorops-common';
import { ReactNode } from 'react';
import { CatalogEntityPicker } from '../UserPicker';
import { fiveWhysLabel, ListEditor } from './ListEditor';
import { PostmortemDraft, splitFailureModes } from './postmortemDraft';
import { TimelineRowsEditor } from './TimelineRowsEditor';

const USER_KINDS = ['User'];
const GROUP_KINDS = ['Group'];

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3}>
      <Typography variant="h6">{props.title}</Typography>
      {props.children}
    </Box>
  );
}

/**
 * The sections of the post-mortem template as form fields. A summary shows
 * only what it needs (summary, immediate cause, lessons); the full template
 * can be switched on for it.
 */
export function PostmortemForm(props: {
  draft: PostmortemDraft;
  onChange: (draft: PostmortemDraft) => void;
  /** The kind the incident needs: a summary may be expanded to the full template and back. */
  requiredKind: PostmortemKind;
  events?: TimelineEvent[];
  disabled: boolean;
}) {
  const { draft, disabled } = props;
  const set = <K extends keyof PostmortemDraft>(key: K, value: PostmortemDraft[K]) =>
    props.onChange({ ...draft, [key]: value });
  const setFactor = (key: keyof ContributingFactors, value: string) =>
    set('contributingFactors', { ...draft.contributingFactors, [key]: value });
  const text = (id: string, label: string, value: string, onChange: (value: string) => void, multiline = true, helperText?: string) => (
    <TextField
      id={`postmortem-${id}`}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      fullWidth
      multiline={multiline}
      minRows={multiline ? 2 : undefined}
      variant="outlined"
      margin="dense"
      disabled={disabled}
      helperText={helperText}
    />
  );
  const full = draft.kind === 'full';

  return (
    <div>
      {!full && (
        <Alert
          severity="info"
          action={
            !disabled && (
              <Button color="inherit" size="small" onClick={() => set('kind', 'full')}>
                Use the full template
              </Button>
            )
          }
        >
          A lightweight summary is enough for this incident: what happened, its immediate cause and the lessons. The
          full template is optional.
        </Alert>
      )}
      {full && props.requiredKind === 'summary' && !disabled && (
        <Button size="small" onClick={() => set('kind', 'summary')}>
          Switch back to a summary
        </Button>
      )}

      <Section title="Executive summary">
        {text('executive-summary', 'Executive summary', draft.executiveSummary, v => set('executiveSummary', v), true,
          '2–3 sentences: what happened, who was affected, how it was resolved')}
      </Section>

      {full && (
        <Section title="Impact">
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              {text('users-affected', 'Users affected', draft.usersAffected, v => set('usersAffected', v), false)}
            </Grid>
            <Grid item xs={12} md={6}>
              {text('revenue-impact', 'Revenue impact', draft.revenueImpact, v => set('revenueImpact', v), false)}
            </Grid>
            <Grid item xs={12} md={6}>
              <TextField
                id="postmortem-slo-budget"
                label="SLO budget consumed (% of monthly error budget)"
                type="number"
                inputProps={{ min: 0, step: 'any' }}
                value={draft.sloBudgetConsumedPercent}
                onChange={e => set('sloBudgetConsumedPercent', e.target.value)}
                fullWidth
                variant="outlined"
                margin="dense"
                disabled={disabled}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <TextField
                id="postmortem-support-tickets"
                label="Support tickets created"
                type="number"
                inputProps={{ min: 0, step: 1 }}
                value={draft.supportTickets}
                onChange={e => set('supportTickets', e.target.value)}
                fullWidth
                variant="outlined"
                margin="dense"
                disabled={disabled}
              />
            </Grid>
          </Grid>
        </Section>
      )}

      {full && (
        <TimelineRowsEditor
          rows={draft.timeline}
          events={props.events}
          onChange={rows => set('timeline', rows)}
          disabled={disabled}
        />
      )}

      <Section title={full ? 'Root cause analysis' : 'Cause'}>
        {full && text('what-happened', 'What happened', draft.whatHappened, v => set('whatHappened', v), true,
          'The failure chain, technically')}
        {text('immediate-cause', 'Immediate cause', draft.contributingFactors.immediate, v => setFactor('immediate', v), true,
          'The direct trigger')}
        {full && text('underlying-cause', 'Underlying cause', draft.contributingFactors.underlying, v => setFactor('underlying', v), true,
          'Why the trigger was possible')}
        {full && text('systemic-cause', 'Systemic cause', draft.contributingFactors.systemic, v => setFactor('systemic', v), true,
          'What organisational or process gap allowed it')}
        {full && (
          <ListEditor
            id="postmortem-five-whys"
            title="5 whys"
            helperText="Ask why of each answer; the last one is the systemic root."
            items={draft.fiveWhys}
            onChange={items => set('fiveWhys', items)}
            labelOf={fiveWhysLabel}
            itemName="why"
            addLabel="Add a why"
            disabled={disabled}
          />
        )}
      </Section>

      {full && (
        <Grid container spacing={2}>
          <Grid item xs={12} md={6}>
            <ListEditor
              id="postmortem-went-well"
              title="What went well"
              items={draft.wentWell}
              onChange={items => set('wentWell', items)}
              labelOf={i => `Went well ${i + 1}`}
              itemName="went well"
              addLabel="Add what went well"
              disabled={disabled}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <ListEditor
              id="postmortem-went-poorly"
              title="What went poorly"
              items={draft.wentPoorly}
              onChange={items => set('wentPoorly', items)}
              labelOf={i => `Went poorly ${i + 1}`}
              itemName="went poorly"
              addLabel="Add what went poorly"
              disabled={disabled}
            />
          </Grid>
        </Grid>
      )}

      <Section title="Lessons learned">
        {text('lessons-learned', 'Lessons learned', draft.lessonsLearned, v => set('lessonsLearned', v))}
      </Section>

      <Section title="Classification and access">
        {text('failure-modes', 'Failure modes', draft.failureModes, v => set('failureModes', v), false,
          'Short names, comma-separated (config-deploy, connection-pool-exhaustion): the same mode on the same service marks a repeat')}
        <Box display="flex" style={{ gap: 4 }} flexWrap="wrap">
          {splitFailureModes(draft.failureModes).map(mode => (
            <Chip key={mode} size="small" label={mode} />
          ))}
        </Box>
        {disabled ? (
          <Typography variant="body2">Facilitator: {draft.facilitatorRef ?? 'none'}</Typography>
        ) : (
          <CatalogEntityPicker
            id="postmortem-facilitator"
            kinds={USER_KINDS}
            label="Facilitator"
            value={draft.facilitatorRef ? [draft.facilitatorRef] : []}
            onChange={refs => set('facilitatorRef', refs[0])}
          />
        )}
        <RadioGroup
          row
          aria-label="Visibility"
          value={draft.visibility}
          onChange={e => set('visibility', e.target.value as PostmortemDraft['visibility'])}
        >
          <FormControlLabel value="organization" control={<Radio disabled={disabled} />} label="Whole organisation" />
          <FormControlLabel value="restricted" control={<Radio disabled={disabled} />} label="Restricted to named groups" />
        </RadioGroup>
        {draft.visibility === 'restricted' &&
          (disabled ? (
            <Typography variant="body2">Visible to: {draft.visibleToGroups.join(', ') || 'no group'}</Typography>
          ) : (
            <CatalogEntityPicker
              id="postmortem-visible-to-groups"
              kinds={GROUP_KINDS}
              label="Groups that may read it"
              multiple
              value={draft.visibleToGroups}
              onChange={refs => set('visibleToGroups', refs)}
              helperText="At least one group; the author can always read it"
            />
          ))}
      </Section>
    </div>
  );
}
