import { Route, Routes } from 'react-router-dom';
import { IncidentPage } from '../IncidentPage';
import { SurveysPage } from '../Surveys';
import { OpenIncidentsPage } from './OpenIncidentsPage';

/**
 * The top-level MajorOps page: open incidents across the organisation, and
 * each incident's own page under `incidents/:incidentId`, and the signed-in
 * user's peer-feedback surveys under `surveys`.
 *
 * @public
 */
export function MajorOpsPage() {
  return (
    <Routes>
      <Route path="/" element={<OpenIncidentsPage />} />
      <Route path="/incidents/:incidentId" element={<IncidentPage />} />
      <Route path="/surveys" element={<SurveysPage />} />
    </Routes>
  );
}
