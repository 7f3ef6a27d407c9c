import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { collapseUnchanged, lineDiff } from './lineDiff';

const useStyles = makeStyles(theme => ({
  table: {
    borderCollapse: 'collapse',
    width: '100%',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    '& td': { padding: '0 8px', verticalAlign: 'top', whiteSpace: 'pre-wrap', wordBreak: 'break-word' },
    '& ins, & del': { textDecoration: 'none' },
  },
  number: { color: theme.palette.text.secondary, textAlign: 'right', width: '3em', userSelect: 'none' },
  marker: { width: '1.5em', userSelect: 'none' },
  added: { backgroundColor: theme.palette.type === 'dark' ? '#1b4d2a' : '#e6ffec' },
  removed: { backgroundColor: theme.palette.type === 'dark' ? '#5c1f24' : '#ffebe9' },
  collapsed: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

/**
 * The line diff of two texts: removed lines in red with "−", added lines in
 * green with "+", long unchanged stretches folded.
 */
export function LineDiffView(props: { oldText: string; newText: string; label: string; context?: number }) {
  const classes = useStyles();
  const diff = useMemo(() => lineDiff(props.oldText, props.newText), [props.oldText, props.newText]);
  const rows = useMemo(() => collapseUnchanged(diff, props.context ?? 3), [diff, props.context]);
  const added = diff.filter(l => l.kind === 'added').length;
  const removed = diff.filter(l => l.kind === 'removed').length;

  return (
    <div>
      <Typography variant="body2" gutterBottom>
        {added === 0 && removed === 0 ? 'No changes' : `${added} added, ${removed} removed`}
      </Typography>
      <table className={classes.table} aria-label={props.label}>
        <tbody>
          {rows.map((row, index) => {
            if (row.kind === 'collapsed') {
              return (
                <tr key={index} className={classes.collapsed}>
                  <td colSpan={4}>… {row.count} unchanged {row.count === 1 ? 'line' : 'lines'}</td>
                </tr>
              );
            }
            const className = row.kind === 'added' ? classes.added : row.kind === 'removed' ? classes.removed : undefined;
            const marker = row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : '';
            return (
              <tr key={index} className={className} data-kind={row.kind}>
                <td className={classes.number}>{row.oldNumber ?? ''}</td>
                <td className={classes.number}>{row.newNumber ?? ''}</td>
                <td className={classes.marker} aria-hidden="true">{marker}</td>
                <td>
                  {row.kind === 'added' && <ins>{row.text}</ins>}
                  {row.kind === 'removed' && <del>{row.text}</del>}
                  {row.kind === 'same' && row.text}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
