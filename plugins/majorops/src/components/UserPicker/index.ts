export { CatalogEntityPicker } from './UserPicker';
