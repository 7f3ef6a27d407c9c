import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import majorOpsPlugin from '@majorops/plugin-majorops/alpha';

/** The demo portal: the catalog, the org pages, and MajorOps on every entity page. */
export default createApp({
  features: [catalogPlugin, orgPlugin, majorOpsPlugin],
});
