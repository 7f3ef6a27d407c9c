export { IncidentMetricsCard } from './IncidentMetricsCard';
