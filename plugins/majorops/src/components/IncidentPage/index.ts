export { IncidentPage, transitionLabel } from './IncidentPage';
