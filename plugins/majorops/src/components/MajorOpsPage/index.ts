export { MajorOpsPage } from './MajorOpsPage';
