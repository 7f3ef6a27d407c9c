import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { Severity } from '@majorops/plugin-majorops-common';

const useStyles = makeStyles({
  SEV1: { backgroundColor: '#b71c1c', color: '#fff' },
  SEV2: { backgroundColor: '#e65100', color: '#fff' },
  SEV3: { backgroundColor: '#f9a825', color: '#000' },
  SEV4: { backgroundColor: '#546e7a', color: '#fff' },
});

/** A coloured chip for a severity, most severe in red. */
export function SeverityChip(props: { severity: Severity }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.severity}
      className={classes[props.severity]}
      data-testid={`severity-${props.severity}`}
    />
  );
}
