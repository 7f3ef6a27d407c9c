import { ResponseErrorPanel } from '@backstage/core-components';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { ReactNode } from 'react';
import { isNotAllowed } from './notAllowed';

/**
 * The error of a load: a friendly note when the backend said 403 (the viewer may
 * not see this), the usual error panel otherwise.
 */
export function NotAllowedPanel(props: { error: Error; title: string; children: ReactNode }) {
  if (!isNotAllowed(props.error)) return <ResponseErrorPanel error={props.error} />;
  return (
    <Alert severity="info" role="status">
      <AlertTitle>{props.title}</AlertTitle>
      {props.children}
    </Alert>
  );
}
