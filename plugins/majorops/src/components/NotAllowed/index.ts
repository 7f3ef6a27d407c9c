export { NotAllowedPanel } from './NotAllowedPanel';
export { isNotAllowed } from './notAllowed';
