import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';

/** The path of the page listing the signed-in user's pending peer-feedback surveys. */
export function useSurveysLink(): string {
  const root = useRouteRef(rootRouteRef);
  return `${root().replace(/\/+$/, '')}/surveys`;
}
