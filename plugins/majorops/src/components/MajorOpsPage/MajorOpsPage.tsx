import { Route, Routes } from 'react-router-dom';
import { IncidentPage } from '../IncidentPage';
import { OpenIncidentsPage } from './OpenIncidentsPage';

/**
 * The top-level MajorOps page: open incidents across the organisation, and
 * each incident's own page under `incidents/:incidentId`.
 *
 * @public
 */
export function MajorOpsPage() {
  return (
    <Routes>
      <Route path="/" element={<OpenIncidentsPage />} />
      <Route path="/incidents/:incidentId" element={<IncidentPage />} />
    </Routes>
  );
}
