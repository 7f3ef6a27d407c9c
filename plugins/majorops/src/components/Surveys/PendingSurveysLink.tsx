import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { useSurveysLink } from '../useSurveysLink';

function SurveysLink(props: { label: string; color: 'inherit' | 'primary' }) {
  const to = useSurveysLink();
  return (
    <Link to={to} color={props.color} data-testid="pending-surveys-link">
      {props.label}
    </Link>
  );
}

/**
 * "N surveys waiting" linking to the surveys page, or nothing when none wait
 * (or the list could not be loaded: it is a reminder, not a page of its own).
 * With `incidentId`, only the surveys about that incident count.
 */
export function PendingSurveysLink(props: { incidentId?: string; color?: 'inherit' | 'primary' }) {
  const api = useApi(majorOpsApiRef);
  const { value } = useAsync(() => api.listPendingSurveys(), [api]);
  const count = (value?.items ?? []).filter(s => !props.incidentId || s.incidentId === props.incidentId).length;
  if (count === 0) return null;
  const label = props.incidentId
    ? `Rate your colleagues on this incident (${count} survey${count === 1 ? '' : 's'} waiting)`
    : `${count} survey${count === 1 ? '' : 's'} waiting`;
  return <SurveysLink label={label} color={props.color ?? 'primary'} />;
}
