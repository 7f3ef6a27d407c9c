import { createBackend } from '@backstage/backend-defaults';
import { portalPermissionPolicyModule } from './permissionPolicy';

/** The demo portal's backend: the app, guest sign-in, the catalog, permissions and MajorOps. */
const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(portalPermissionPolicyModule);

backend.add(import('@majorops/plugin-majorops-backend'));

backend.start();
