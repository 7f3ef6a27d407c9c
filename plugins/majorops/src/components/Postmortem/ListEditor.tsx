import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';

/**
 * A list of short texts with add and remove: what went well or poorly, the
 * answers of the 5 whys. `labelOf` names each entry (its label is also how
 * tests and screen readers find it).
 */
export function ListEditor(props: {
  id: string;
  title: string;
  items: string[];
  onChange: (items: string[]) => void;
  labelOf: (index: number, items: string[]) => string;
  /** What one entry is called, for its remove button ("Remove why 2"). */
  itemName: string;
  addLabel: string;
  disabled?: boolean;
  helperText?: string;
}) {
  const { items, onChange } = props;
  const set = (index: number, value: string) => onChange(items.map((item, i) => (i === index ? value : item)));
  return (
    <Box mt={2}>
      <Typography variant="subtitle1">{props.title}</Typography>
      {props.helperText && (
        <Typography variant="caption" color="textSecondary" component="div">
          {props.helperText}
        </Typography>
      )}
      {items.map((item, index) => {
        const label = props.labelOf(index, items);
        return (
          <Box key={index} display="flex" alignItems="center" style={{ gap: 8 }}>
            <TextField
              id={`${props.id}-${index}`}
              label={label}
              value={item}
              onChange={e => set(index, e.target.value)}
              fullWidth
              multiline
              variant="outlined"
              margin="dense"
              disabled={props.disabled}
            />
            {!props.disabled && (
              <IconButton
                size="small"
                aria-label={`Remove ${props.itemName} ${index + 1}`}
                onClick={() => onChange(items.filter((_, i) => i !== index))}
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            )}
          </Box>
        );
      })}
      {!props.disabled && (
        <Button size="small" onClick={() => onChange([...items, ''])}>
          {props.addLabel}
        </Button>
      )}
    </Box>
  );
}

const ellipsis = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** "1. Why did the incident happen? →", then "2. Why did "<answer 1>" happen? →", as in the template. */
export function fiveWhysLabel(index: number, answers: string[]): string {
  if (index === 0) return '1. Why did the incident happen? →';
  const previous = answers[index - 1]?.trim();
  return `${index + 1}. Why did ${previous ? `"${ellipsis(previous)}"` : `answer ${index}`} happen? →`;
}
