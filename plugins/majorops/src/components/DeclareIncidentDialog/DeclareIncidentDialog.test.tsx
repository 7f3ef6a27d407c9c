import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  DEFAULT_SEVERITY_MATRIX,
  SEVERITIES,
  mergeSeverityMatrix,
  type DeclareIncidentRequest,
  type Incident,
} from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel, type UserEvent } from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { JANE, suggestions } from '../Suggestions/testFixtures';
import { DeclareIncidentDialog, DeclareIncidentDialogProps } from './DeclareIncidentDialog';

jest.setTimeout(20_000);

const component = (name: string, title?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
});

const catalogEntities: Entity[] = [
  component('checkout-api', 'Checkout API'),
  component('payments'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { displayName: 'Jane Doe' } },
  },
];

/** The matrix as configured: criteria differ from the defaults, so the dialog must show what the API says. */
const matrix = mergeSeverityMatrix(DEFAULT_SEVERITY_MATRIX, {
  SEV1: { criteria: 'Checkout down for everyone' },
  SEV3: { criteria: 'One payment method failing, others work', updateCadenceMinutes: 90 },
});

function declared(request: DeclareIncidentRequest): Incident {
  const now = new Date().toISOString();
  return {
    id: 'inc-42',
    title: request.title,
    summary: request.summary ?? '',
    severity: request.severity,
    status: 'declared',
    tags: [],
    externalCause: false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: request.entityRefs.map(entityRef => ({ entityRef })),
    roles: [],
    milestones: { declaredAt: now },
    createdBy: 'user:default/jane',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

function fakeApi(overrides: Partial<MajorOpsApi> = {}) {
  return mockMajorOpsApi({
    getSeverityMatrix: async () => matrix,
    declareIncident: async request => declared(request),
    suggestForDraft: async () => suggestions({ incidentCommander: [], operationsChief: undefined, experts: [], excluded: [] }),
    ...overrides,
  });
}

async function renderDialog(api: MajorOpsApi, props: Partial<DeclareIncidentDialogProps> = {}) {
  const callbacks = { onClose: jest.fn(), onDeclared: jest.fn() };
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: catalogEntities })]]}>
      <DeclareIncidentDialog
        open
        initialEntityRefs={['component:default/checkout-api']}
        {...callbacks}
        {...props}
      />
    </TestApiProvider>,
  );
  const dialog = within(await screen.findByRole('dialog', { name: 'Declare incident' }));
  // wait for the matrix and the catalog options
  await dialog.findByText('Checkout down for everyone');
  if (props.initialEntityRefs?.length !== 0) {
    await dialog.findByText('Checkout API (component:default/checkout-api)');
  }
  return { dialog, ...callbacks };
}

describe('DeclareIncidentDialog', () => {
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  });

  const title = () => screen.getByLabelText(/^Title/);
  const declareButton = () => screen.getByRole('button', { name: /^Declare/ });

  it('shows the severity matrix from the API, one row per severity', async () => {
    const api = fakeApi();
    const { dialog } = await renderDialog(api);
    expect(api.getSeverityMatrix).toHaveBeenCalledTimes(1);
    const table = within(dialog.getByRole('table', { name: 'Severity matrix' }));
    const rows = table.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(SEVERITIES.length);
    SEVERITIES.forEach((severity, i) => {
      const row = within(rows[i]);
      expect(row.getByTestId(`severity-${severity}`)).toBeInTheDocument();
      expect(row.getByText(matrix[severity].criteria)).toBeInTheDocument();
      expect(row.getByText(matrix[severity].escalation)).toBeInTheDocument();
      expect(row.getByText(new RegExp(matrix[severity].name))).toBeInTheDocument();
    });
    expect(within(rows[2]).getByText('every 1 hour 30 minutes')).toBeInTheDocument();
    expect(table.queryByText(DEFAULT_SEVERITY_MATRIX.SEV1.criteria)).not.toBeInTheDocument();
  });

  it('preselects the initial entity and SEV2', async () => {
    const { dialog } = await renderDialog(fakeApi());
    expect(dialog.getByText('Checkout API (component:default/checkout-api)')).toBeInTheDocument();
    expect(dialog.getByRole('radio', { name: 'SEV2' })).toBeChecked();
    expect(declareButton()).toHaveTextContent('Declare SEV2');
  });

  it('is disabled until a title is given', async () => {
    await renderDialog(fakeApi());
    expect(declareButton()).toBeDisabled();
    await user.type(title(), '   ');
    expect(declareButton()).toBeDisabled();
    await user.type(title(), 'Checkout down');
    expect(declareButton()).toBeEnabled();
    await user.clear(title());
    expect(declareButton()).toBeDisabled();
  });

  it('is disabled without an affected entity', async () => {
    await renderDialog(fakeApi(), { initialEntityRefs: [] });
    await user.type(title(), 'Checkout down');
    expect(declareButton()).toBeDisabled();
  });

  it('names the chosen severity on the Declare button', async () => {
    const { dialog } = await renderDialog(fakeApi());
    await user.click(dialog.getByRole('radio', { name: 'SEV1' }));
    expect(dialog.getByRole('radio', { name: 'SEV1' })).toBeChecked();
    expect(dialog.getByRole('radio', { name: 'SEV2' })).not.toBeChecked();
    expect(declareButton()).toHaveTextContent('Declare SEV1');
    // the whole row is clickable
    await user.click(dialog.getByText(matrix.SEV3.criteria));
    expect(declareButton()).toHaveTextContent('Declare SEV3');
    expect(dialog.getByRole('radio', { name: 'SEV3' })).toBeChecked();
  });

  it('declares with the typed title, severity, entities, flags and impact as a number', async () => {
    const api = fakeApi();
    const { dialog, onDeclared, onClose } = await renderDialog(api);
    await user.click(title());
    await user.paste('Checkout API returning 5xx');
    await user.click(dialog.getByRole('radio', { name: 'SEV1' }));

    // add a second affected entity from the catalog
    await user.click(dialog.getByRole('textbox', { name: 'Affected services and resources' }));
    await user.click(await screen.findByRole('option', { name: 'payments (component:default/payments)' }));

    await user.type(dialog.getByLabelText(/^Incident type/), 'database');
    await user.type(dialog.getByLabelText(/^Impact/), '12.5');
    await user.click(dialog.getByLabelText(/^What users see/));
    await user.paste('Card payments fail');
    await user.click(dialog.getByRole('checkbox', { name: 'Reported by a customer' }));
    await user.click(dialog.getByRole('checkbox', { name: 'on a paying account (at least SEV2)' }));
    await user.click(dialog.getByRole('checkbox', { name: 'Data integrity concern (SEV1)' }));

    expect(declareButton()).toHaveTextContent('Declare SEV1');
    await user.click(declareButton());

    await waitFor(() => expect(onDeclared).toHaveBeenCalledTimes(1));
    expect(api.declareIncident).toHaveBeenCalledTimes(1);
    expect(api.declareIncident).toHaveBeenCalledWith({
      title: 'Checkout API returning 5xx',
      summary: 'Card payments fail',
      severity: 'SEV1',
      entityRefs: ['component:default/checkout-api', 'component:default/payments'],
      incidentType: 'database',
      impactScope: 12.5,
      customerReported: true,
      payingCustomer: true,
      dataIntegrityConcern: true,
      externalCause: false,
    });
    expect(onDeclared).toHaveBeenCalledWith(expect.objectContaining({ id: 'inc-42', severity: 'SEV1' }));
    expect(onClose).not.toHaveBeenCalled();
  });

  it('leaves optional fields out and sends no flags when nothing is checked', async () => {
    const api = fakeApi();
    await renderDialog(api);
    await user.type(title(), 'Slow cart');
    await user.click(declareButton());
    await waitFor(() => expect(api.declareIncident).toHaveBeenCalledTimes(1));
    expect(api.declareIncident).toHaveBeenCalledWith({
      title: 'Slow cart',
      summary: '',
      severity: 'SEV2',
      entityRefs: ['component:default/checkout-api'],
      incidentType: undefined,
      impactScope: undefined,
      customerReported: false,
      payingCustomer: false,
      dataIntegrityConcern: false,
      externalCause: false,
    });
  });

  it('sends impact 0 as a number, not as "no impact given"', async () => {
    const api = fakeApi();
    const { dialog } = await renderDialog(api);
    await user.type(title(), 'Slow cart');
    await user.type(dialog.getByLabelText(/^Impact/), '0');
    await user.click(declareButton());
    await waitFor(() => expect(api.declareIncident).toHaveBeenCalledTimes(1));
    expect(api.declareIncident.mock.calls[0][0].impactScope).toBe(0);
  });

  it('only sends payingCustomer when the customer-reported box is checked', async () => {
    const api = fakeApi();
    const { dialog } = await renderDialog(api);
    const reported = dialog.getByRole('checkbox', { name: 'Reported by a customer' });
    const paying = dialog.getByRole('checkbox', { name: 'on a paying account (at least SEV2)' });
    expect(paying).toBeDisabled();

    await user.click(reported);
    expect(paying).toBeEnabled();
    await user.click(paying);
    expect(paying).toBeChecked();
    // unchecking "reported by a customer" leaves the paying box ticked but disabled
    await user.click(reported);
    expect(paying).toBeDisabled();

    await user.type(title(), 'Checkout down');
    await user.click(dialog.getByRole('checkbox', { name: 'Caused by a third party' }));
    await user.click(declareButton());
    await waitFor(() => expect(api.declareIncident).toHaveBeenCalledTimes(1));
    expect(api.declareIncident).toHaveBeenCalledWith(
      expect.objectContaining({ customerReported: false, payingCustomer: false, externalCause: true }),
    );
  });

  it('shows a rejected declaration, keeps the form and does not call onDeclared', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'InputError', message: 'entityRefs[0] is not in the catalog' },
        request: { method: 'POST', url: '/api/majorops/incidents' },
        response: { statusCode: 400 },
      }),
      { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = fakeApi({ declareIncident: () => Promise.reject(error) });
    const { dialog, onDeclared } = await renderDialog(api);
    await user.type(title(), 'Checkout down');
    await user.click(declareButton());

    expect((await dialog.findAllByText(/entityRefs\[0\] is not in the catalog/)).length).toBeGreaterThan(0);
    expect(onDeclared).not.toHaveBeenCalled();
    expect(title()).toHaveValue('Checkout down');
    expect(declareButton()).toBeEnabled();
    expect(declareButton()).toHaveTextContent('Declare SEV2');
  });

  it('says "Declaring…" and cannot be submitted twice while the request runs', async () => {
    let finish: (incident: Incident) => void = () => {};
    const api = fakeApi({ declareIncident: () => new Promise(resolve => (finish = resolve)) });
    const { onDeclared } = await renderDialog(api);
    await user.type(title(), 'Checkout down');
    await user.click(declareButton());

    expect(await screen.findByRole('button', { name: 'Declaring…' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Declaring…' }));
    expect(api.declareIncident).toHaveBeenCalledTimes(1);

    const incident = declared({ title: 'Checkout down', severity: 'SEV2', entityRefs: ['component:default/checkout-api'] });
    finish(incident);
    await waitFor(() => expect(onDeclared).toHaveBeenCalledWith(incident));
  });

  it('calls onClose on Cancel without declaring', async () => {
    const api = fakeApi();
    const { dialog, onClose } = await renderDialog(api);
    await user.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(api.declareIncident).not.toHaveBeenCalled();
  });

  it('shows the incident types the entity suggests', async () => {
    const { dialog } = await renderDialog(fakeApi(), { suggestedTypes: ['database', 'deployment'] });
    expect(dialog.getByText('This service sees: database, deployment')).toBeInTheDocument();
  });
  describe('suggestions', () => {
    it('asks for suggestions for the chosen severity and entities; picking one fills the commander', async () => {
      const api = fakeApi({ suggestForDraft: async request => suggestions({ severity: request.severity as 'SEV1' }) });
      const { dialog, onDeclared } = await renderDialog(api);
      // the preselected entity and SEV2 are enough to ask
      await waitFor(() =>
        expect(api.suggestForDraft).toHaveBeenLastCalledWith({
          severity: 'SEV2',
          entityRefs: ['component:default/checkout-api'],
        }),
      );
      await user.click(dialog.getByRole('radio', { name: 'SEV1' }));
      await user.click(dialog.getByRole('textbox', { name: 'Affected services and resources' }));
      await user.click(await screen.findByRole('option', { name: 'payments (component:default/payments)' }));
      await user.type(dialog.getByLabelText(/^Incident type/), 'database');
      await waitFor(() =>
        expect(api.suggestForDraft).toHaveBeenLastCalledWith({
          severity: 'SEV1',
          entityRefs: ['component:default/checkout-api', 'component:default/payments'],
          incidentType: 'database',
        }),
      );
      // debounced: not one request per keystroke
      expect(api.suggestForDraft.mock.calls.filter(([r]) => r.incidentType && r.incidentType !== 'database')).toHaveLength(0);

      const suggested = within(dialog.getByTestId('draft-suggestions'));
      await user.click(await suggested.findByRole('button', { name: 'Pick Jane Doe as commander' }));
      expect(dialog.getByRole('textbox', { name: 'Incident commander' })).toHaveValue('Jane Doe (user:default/jane)');
      expect(suggested.getByRole('button', { name: 'Jane Doe picked as commander' })).toBeDisabled();
      // the reasons are there too
      await user.click(within(suggested.getByTestId(`candidate-incident-commander-${JANE}`)).getByRole('button', { name: 'Why?' }));
      expect(suggested.getAllByText('Member of group:default/payments, which owns component:default/checkout-api').length).toBeGreaterThan(0);

      await user.type(title(), 'Checkout down');
      await user.click(declareButton());
      await waitFor(() => expect(onDeclared).toHaveBeenCalledTimes(1));
      expect(api.declareIncident).toHaveBeenCalledWith(expect.objectContaining({ severity: 'SEV1', commanderRef: JANE }));
    });

    it('shows only the answer for the latest draft', async () => {
      const answers: Array<(value: ReturnType<typeof suggestions>) => void> = [];
      const api = fakeApi({ suggestForDraft: () => new Promise(resolve => answers.push(resolve)) });
      const { dialog } = await renderDialog(api);
      await waitFor(() => expect(api.suggestForDraft).toHaveBeenCalledTimes(1));
      await user.click(dialog.getByRole('radio', { name: 'SEV3' }));
      await waitFor(() => expect(api.suggestForDraft).toHaveBeenCalledTimes(2));
      answers[1](suggestions({ explanation: 'For the SEV3' }));
      expect(await dialog.findByText('For the SEV3')).toBeInTheDocument();
      answers[0](suggestions({ explanation: 'For the SEV2' }));
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(dialog.queryByText('For the SEV2')).not.toBeInTheDocument();
    });

    it('shows a failure inline and still declares, with the declarer as commander', async () => {
      const api = fakeApi({ suggestForDraft: () => Promise.reject(new Error('assignment engine unavailable')) });
      const { dialog, onDeclared } = await renderDialog(api);
      expect(await dialog.findByTestId('draft-suggestions-error')).toHaveTextContent(
        'No suggestions right now (assignment engine unavailable). You can still declare',
      );
      await user.type(title(), 'Checkout down');
      await user.click(declareButton());
      await waitFor(() => expect(onDeclared).toHaveBeenCalledTimes(1));
      expect(api.declareIncident.mock.calls[0][0]).not.toHaveProperty('commanderRef');
    });

    it('asks for nothing without an affected entity', async () => {
      const api = fakeApi();
      const { dialog } = await renderDialog(api, { initialEntityRefs: [] });
      expect(dialog.getByTestId('draft-suggestions')).toHaveTextContent('Choose the severity and the affected services');
      await new Promise(resolve => setTimeout(resolve, 600));
      expect(api.suggestForDraft).not.toHaveBeenCalled();
    });
  });
});
