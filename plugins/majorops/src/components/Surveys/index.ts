export { SurveysPage } from './SurveysPage';
export { PendingSurveysLink } from './PendingSurveysLink';
