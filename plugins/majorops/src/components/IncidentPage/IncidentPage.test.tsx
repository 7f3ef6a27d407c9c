import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  DEFAULT_SEVERITY_MATRIX,
  INCIDENT_STATUSES,
  INCIDENT_TRANSITIONS,
  SYSTEM_ACTOR,
  type Hypothesis,
  type Incident,
  type IncidentStatus,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel, type UserEvent } from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { IncidentInsights, MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { IncidentPage, transitionLabel } from './IncidentPage';

// Rendering the whole incident page in jsdom takes a while.
jest.setTimeout(30_000);

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function makeIncident(overrides: Partial<Incident> = {}): Incident {
  const declaredAt = '2026-03-01T10:00:00.000Z';
  return {
    id: 'inc-1',
    title: 'Checkout returns 500',
    summary: 'Card payments fail',
    severity: 'SEV1',
    status: 'investigating',
    tags: [],
    externalCause: false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: [{ entityRef: 'component:default/checkout-api', ownerRef: 'group:default/team-a' }],
    roles: [
      {
        role: 'incident-commander',
        userRef: 'user:default/alice',
        assignedBy: 'user:default/alice',
        assignedAt: declaredAt,
      },
    ],
    milestones: { declaredAt, impactStartedAt: '2026-03-01T09:48:00.000Z' },
    createdBy: 'user:default/alice',
    createdAt: declaredAt,
    updatedAt: declaredAt,
    version: 7,
    ...overrides,
  };
}

function makeInsights(incident: Incident, overrides: Partial<IncidentInsights> = {}): IncidentInsights {
  return {
    severityLevel: DEFAULT_SEVERITY_MATRIX[incident.severity],
    cadence: {
      nextDueAt: minutesFromNow(12),
      overdue: false,
      minutesUntilDue: 12,
      windows: [],
      windowsOmitted: 0,
      missedWindows: 0,
      onTimeShare: undefined,
    },
    rootCause: { applies: false },
    hypotheses: [],
    ...overrides,
  };
}

function hypothesis(id: string, statement: string, status: Hypothesis['status'], endsInMinutes = 10): Hypothesis {
  return {
    id,
    incidentId: 'inc-1',
    statement,
    openedBy: 'user:default/alice',
    openedAt: minutesFromNow(endsInMinutes - 15),
    timeboxEndsAt: minutesFromNow(endsInMinutes),
    status,
  };
}

function event(id: string, occurredAt: string, text: string, actorRef = 'user:default/alice'): TimelineEvent {
  return { id, incidentId: 'inc-1', type: 'note', occurredAt, actorRef, body: { text } };
}

const users: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { displayName: 'Jane Doe' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bob', namespace: 'default' },
    spec: { profile: { displayName: 'Bob Builder' }, memberOf: [] },
  },
];

/** An API serving one incident; `incident` may be a list of answers for successive loads (the last one repeats). */
function fakeApi(
  options: {
    incident?: Incident | Incident[];
    insights?: Partial<IncidentInsights>;
    timeline?: TimelineEvent[];
  } & Partial<MajorOpsApi> = {},
) {
  const { incident = makeIncident(), insights, timeline = [], ...rest } = options;
  const answers = Array.isArray(incident) ? incident : [incident];
  let loads = 0;
  return mockMajorOpsApi({
    getIncident: async () => answers[Math.min(loads++, answers.length - 1)],
    getInsights: async () => makeInsights(answers[0], insights),
    listTimeline: async () => ({ items: timeline }),
    getPostmortem: async () => undefined,
    listActionItems: async () => ({ items: [] }),
    getRepeats: async () => ({ links: [], candidates: [] }),
    listRunbookUsage: async () => ({ items: [] }),
    listRunbooks: async () => ({ items: [] }),
    ...rest,
  });
}

async function renderPage(api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: users })]]}>
      <Routes>
        <Route path="/incidents/:incidentId" element={<IncidentPage />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/incidents/inc-1'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

async function loaded(title = 'Checkout returns 500') {
  return screen.findByText(title, { selector: 'h1' });
}

const ALL_TRANSITION_LABELS = new Set(
  INCIDENT_STATUSES.flatMap(from => INCIDENT_TRANSITIONS[from].map(to => transitionLabel(from, to))),
);

// Role queries over the whole (large) page are slow in jsdom; buttons are found by their text instead.
const BUTTON_LABEL = 'button > span';

/** The button showing this text. */
function button(text: string): HTMLButtonElement {
  return screen.getByText(text, { selector: BUTTON_LABEL }).closest('button')!;
}

/** What every button on the page is called: its aria-label, or its text. */
function buttonNames() {
  return Array.from(document.querySelectorAll('button')).map(b => b.getAttribute('aria-label') ?? b.textContent ?? '');
}

/** The lifecycle buttons on the page, in order. */
function transitionButtons() {
  return buttonNames().filter(name => ALL_TRANSITION_LABELS.has(name));
}

async function conflictError() {
  const response = new Response(
    JSON.stringify({
      error: { name: 'ConflictError', message: 'Incident inc-1 was changed by someone else (version 8)' },
      request: { method: 'POST', url: '/api/majorops/incidents/inc-1/transitions' },
      response: { statusCode: 409 },
    }),
    { status: 409, statusText: 'Conflict', headers: { 'content-type': 'application/json' } },
  );
  return ResponseError.fromResponse(response);
}

describe('transitionLabel', () => {
  it.each<[IncidentStatus, IncidentStatus, string]>([
    ['declared', 'investigating', 'Acknowledge'],
    ['resolved', 'investigating', 'Reopen'],
    ['identified', 'investigating', 'Back to investigating'],
    ['mitigating', 'investigating', 'Back to investigating'],
    ['monitoring', 'investigating', 'Back to investigating'],
    ['declared', 'identified', 'Root cause identified'],
    ['investigating', 'identified', 'Root cause identified'],
    ['mitigating', 'identified', 'Root cause identified'],
    ['investigating', 'mitigating', 'Mitigating'],
    ['monitoring', 'mitigating', 'Mitigating'],
    ['investigating', 'monitoring', 'Mitigated, monitoring'],
    ['declared', 'resolved', 'Resolve'],
    ['monitoring', 'resolved', 'Resolve'],
    ['resolved', 'closed', 'Close'],
    ['investigating', 'declared', 'declared'],
  ])('%s -> %s is "%s"', (from, to, label) => {
    expect(transitionLabel(from, to)).toBe(label);
  });

  it('gives every allowed transition out of a status a distinct label', () => {
    for (const from of INCIDENT_STATUSES) {
      const labels = INCIDENT_TRANSITIONS[from].map(to => transitionLabel(from, to));
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});

describe('IncidentPage', () => {
  // The whole page is large; skipping the pointer-events check on every click keeps the tests fast.
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  });
  /** Types into a field by pasting: key-by-key typing re-measures the multiline fields on every key in jsdom. */
  const fill = async (field: HTMLElement, text: string) => {
    await user.click(field);
    await user.paste(text);
  };

  it('shows the title, severity, status, commander and affected entities with their owners', async () => {
    const api = fakeApi({
      incident: makeIncident({
        externalCause: true,
        entities: [
          {
            entityRef: 'component:default/checkout-api',
            ownerRef: 'group:default/team-a',
            currentOwnerRef: 'group:default/team-b',
          },
          { entityRef: 'resource:default/payments-db', ownerRef: 'group:default/dba' },
          { entityRef: 'component:default/cart', ownerRef: 'group:default/web', currentOwnerRef: 'group:default/web' },
        ],
      }),
    });
    await renderPage(api);
    await loaded();

    expect(api.getIncident).toHaveBeenCalledWith('inc-1');
    expect(api.getInsights).toHaveBeenCalledWith('inc-1');
    expect(api.listTimeline).toHaveBeenCalledWith('inc-1', { limit: 500 });

    expect(screen.getAllByTestId('severity-SEV1').length).toBeGreaterThan(0);
    expect(screen.getByTestId('incident-status')).toHaveTextContent('investigating');
    expect(screen.getByText('SEV1 · investigating')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getByText('caused by a third party')).toBeInTheDocument();

    // Owner changed since declaration: the current owner, and the one at declaration.
    const checkout = screen.getByRole('link', { name: /checkout-api/ }).parentElement!;
    expect(checkout).toHaveTextContent(/owned by team-b \(was team-a at declaration\)/);
    expect(within(checkout).getByRole('link', { name: 'team-b' })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-b',
    );
    // Only the declaration snapshot is known: no "was".
    const db = screen.getByRole('link', { name: /payments-db/ }).parentElement!;
    expect(db).toHaveTextContent(/owned by dba$/);
    // Same owner now and then: no "was".
    const cart = screen.getByRole('link', { name: /cart/ }).parentElement!;
    expect(cart).toHaveTextContent(/owned by web$/);
  });

  it('shows an error panel when the incident cannot be loaded', async () => {
    const api = fakeApi({ getIncident: async () => Promise.reject(new Error('Incident inc-1 not found')) });
    await renderPage(api);
    expect((await screen.findAllByText(/Incident inc-1 not found/)).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('incident-status')).not.toBeInTheDocument();
  });

  describe('command alerts', () => {
    it('says when the next status update is due', async () => {
      await renderPage(fakeApi());
      await loaded();
      expect(
        screen.getByText('Next status update due in 12 min (every 15 min for SEV1).', { normalizer: s => s.replace(/\s+/g, ' ').trim() }),
      ).toBeInTheDocument();
      expect(screen.queryByText(/overdue/)).not.toBeInTheDocument();
      expect(screen.queryByText(/missed so far/)).not.toBeInTheDocument();
    });

    it('says by how much a status update is overdue, and how many windows were missed', async () => {
      const incident = makeIncident({ severity: 'SEV2' });
      const api = fakeApi({
        incident,
        insights: {
          cadence: {
            ...makeInsights(incident).cadence,
            nextDueAt: minutesFromNow(-7),
            overdue: true,
            minutesUntilDue: -7,
            missedWindows: 2,
          },
        },
      });
      await renderPage(api);
      await loaded();
      expect(screen.getByText(/^Status update overdue by 7 min \(SEV2 updates every 30 min\)/)).toBeInTheDocument();
      expect(screen.queryByText(/Next status update due/)).not.toBeInTheDocument();
      expect(screen.getByText('2 status update windows missed so far.')).toBeInTheDocument();
    });

    it('uses the singular for one missed window', async () => {
      const incident = makeIncident();
      await renderPage(
        fakeApi({ incident, insights: { cadence: { ...makeInsights(incident).cadence, missedWindows: 1 } } }),
      );
      await loaded();
      expect(screen.getByText('1 status update window missed so far.')).toBeInTheDocument();
    });

    it('shows no cadence prompt once the incident is resolved', async () => {
      const incident = makeIncident({ status: 'resolved' });
      await renderPage(
        fakeApi({
          incident,
          // even if the backend still sent a deadline, a resolved incident needs no updates
          insights: { cadence: { ...makeInsights(incident).cadence, nextDueAt: minutesFromNow(-30), overdue: true } },
        }),
      );
      await loaded();
      expect(screen.queryByText(/Status update overdue/)).not.toBeInTheDocument();
      expect(screen.queryByText(/Next status update due/)).not.toBeInTheDocument();
    });

    it('asks to escalate when no root cause was identified in time', async () => {
      const reason = 'SEV1 incidents escalate to the next tier when no root cause is identified within 30 min.';
      await renderPage(
        fakeApi({
          insights: {
            rootCause: { applies: true, overdue: true, dueAt: minutesFromNow(-5), minutesOverdue: 5, reason },
          },
        }),
      );
      await loaded();
      expect(screen.getByText(`${reason} Escalate: VP Eng + CTO immediately.`)).toBeInTheDocument();
    });

    it('does not ask to escalate before the root-cause deadline', async () => {
      await renderPage(
        fakeApi({
          insights: {
            rootCause: {
              applies: true,
              overdue: false,
              dueAt: minutesFromNow(20),
              minutesOverdue: 0,
              reason: 'Root cause due soon.',
            },
          },
        }),
      );
      await loaded();
      expect(screen.queryByText(/Escalate:/)).not.toBeInTheDocument();
    });

    // A root cause identified late still shows why escalation was due (checkRootCauseTimeout gives the reason).
    it('still says the escalation was due when the root cause was identified late', async () => {
      const reason =
        'The root cause was identified 45 min after declaration, 15 min late: SEV1 incidents escalate to the next tier when no root cause is identified within 30 min, so escalation was due at 2026-03-01T10:30:00.000Z.';
      await renderPage(
        fakeApi({
          incident: makeIncident({ status: 'identified', rootCauseIdentifiedAt: '2026-03-01T10:45:00.000Z' }),
          insights: {
            rootCause: {
              applies: true,
              overdue: true,
              dueAt: '2026-03-01T10:30:00.000Z',
              minutesOverdue: 15,
              reason,
            },
          },
        }),
      );
      await loaded();
      expect(screen.getByText(new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))).toBeInTheDocument();
    });

    it('warns about hypotheses whose timebox is over', async () => {
      await renderPage(
        fakeApi({
          insights: {
            hypotheses: [
              hypothesis('h1', 'Bad config deploy', 'expired', -3),
              hypothesis('h2', 'DNS', 'open', 8),
              hypothesis('h3', 'Cert expiry', 'refuted', -20),
            ],
          },
        }),
      );
      await loaded();
      expect(screen.getByText('1 hypothesis timebox is over: confirm, refute or pivot.')).toBeInTheDocument();
    });

    it('uses the plural for several expired hypotheses', async () => {
      await renderPage(
        fakeApi({
          insights: {
            hypotheses: [hypothesis('h1', 'Bad config deploy', 'expired', -3), hypothesis('h2', 'DNS', 'expired', -1)],
          },
        }),
      );
      await loaded();
      expect(screen.getByText('2 hypothesis timeboxes are over: confirm, refute or pivot.')).toBeInTheDocument();
    });
  });

  describe('lifecycle', () => {
    it.each(INCIDENT_STATUSES.filter(s => s !== 'closed'))(
      'offers exactly the allowed transitions from %s',
      async status => {
        await renderPage(fakeApi({ incident: makeIncident({ status }) }));
        await loaded();
        expect(transitionButtons()).toEqual(INCIDENT_TRANSITIONS[status].map(to => transitionLabel(status, to)));
      },
    );

    it('labels the first step of a declared incident "Acknowledge"', async () => {
      await renderPage(fakeApi({ incident: makeIncident({ status: 'declared' }) }));
      await loaded();
      expect(button('Acknowledge')).toBeEnabled();
      expect(screen.queryByText('Back to investigating', { selector: BUTTON_LABEL })).not.toBeInTheDocument();
    });

    it('offers "Reopen" and "Close" for a resolved incident', async () => {
      await renderPage(fakeApi({ incident: makeIncident({ status: 'resolved' }) }));
      await loaded();
      expect(transitionButtons()).toEqual(['Reopen', 'Close']);
    });

    it('transitions with the version it read, then reloads the incident', async () => {
      const before = makeIncident({ status: 'declared', version: 7 });
      const after = makeIncident({ status: 'investigating', version: 8 });
      const api = fakeApi({ incident: [before, after], transitionIncident: async () => after });
      await renderPage(api);
      await loaded();
      expect(screen.getByTestId('incident-status')).toHaveTextContent('declared');

      await user.click(button('Acknowledge'));

      expect(api.transitionIncident).toHaveBeenCalledTimes(1);
      expect(api.transitionIncident).toHaveBeenCalledWith('inc-1', { to: 'investigating', version: 7 });
      await waitFor(() => expect(screen.getByTestId('incident-status')).toHaveTextContent('investigating'));
      expect(api.getIncident).toHaveBeenCalledTimes(2);
      expect(transitionButtons()).toEqual(
        INCIDENT_TRANSITIONS.investigating.map(to => transitionLabel('investigating', to)),
      );
    });

    it('resolves with the current version', async () => {
      const api = fakeApi({
        incident: makeIncident({ status: 'monitoring', version: 12 }),
        transitionIncident: async () => makeIncident({ status: 'resolved', version: 13 }),
      });
      await renderPage(api);
      await loaded();
      await user.click(button('Resolve'));
      expect(api.transitionIncident).toHaveBeenCalledWith('inc-1', { to: 'resolved', version: 12 });
    });

    it('shows a rejected change (409) and keeps the page, reloading the incident', async () => {
      const error = await conflictError();
      const api = fakeApi({
        incident: makeIncident({ status: 'declared' }),
        transitionIncident: () => Promise.reject(error),
      });
      await renderPage(api);
      await loaded();
      await user.click(button('Acknowledge'));

      expect((await screen.findAllByText(/was changed by someone else/)).length).toBeGreaterThan(0);
      await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
      expect(screen.getByText('Checkout returns 500', { selector: 'h1' })).toBeInTheDocument();
      expect(screen.getByTestId('incident-status')).toHaveTextContent('declared');
      expect(button('Acknowledge')).toBeEnabled();
    });

    it('clears the previous error when the next action succeeds', async () => {
      const error = await conflictError();
      const api = fakeApi({ incident: makeIncident({ status: 'declared' }) });
      api.transitionIncident.mockRejectedValueOnce(error).mockResolvedValueOnce(makeIncident());
      await renderPage(api);
      await loaded();
      await user.click(button('Acknowledge'));
      expect((await screen.findAllByText(/was changed by someone else/)).length).toBeGreaterThan(0);
      await waitFor(() => expect(button('Acknowledge')).toBeEnabled());

      await user.click(button('Acknowledge'));
      await waitFor(() => expect(screen.queryByText(/was changed by someone else/)).not.toBeInTheDocument());
      expect(api.transitionIncident).toHaveBeenCalledTimes(2);
    });
  });

  describe('closed incident', () => {
    it('is read-only: no transitions, composer, role changes or new entries', async () => {
      const incident = makeIncident({
        status: 'closed',
        roles: [
          {
            role: 'scribe',
            userRef: 'user:default/bob',
            assignedBy: 'user:default/alice',
            assignedAt: '2026-03-01T10:00:00.000Z',
          },
        ],
        milestones: {
          declaredAt: '2026-03-01T10:00:00.000Z',
          impactStartedAt: '2026-03-01T09:48:00.000Z',
          resolvedAt: '2026-03-01T11:00:00.000Z',
          closedAt: '2026-03-02T09:00:00.000Z',
        },
      });
      await renderPage(
        fakeApi({
          incident,
          insights: {
            cadence: { ...makeInsights(incident).cadence, nextDueAt: undefined },
            hypotheses: [hypothesis('h1', 'Bad config deploy', 'confirmed', -30)],
          },
          timeline: [event('e1', '2026-03-01T10:00:00.000Z', 'Declared')],
        }),
      );
      await loaded();
      expect(screen.getByTestId('incident-status')).toHaveTextContent('closed');
      expect(transitionButtons()).toEqual([]);
      expect(screen.queryByText('Post a status update')).not.toBeInTheDocument();
      expect(screen.queryByLabelText('Status update', { selector: 'form' })).not.toBeInTheDocument();
      expect(screen.queryByLabelText('Timeline entry', { selector: 'form' })).not.toBeInTheDocument();
      expect(screen.queryByLabelText('New hypothesis', { selector: 'form' })).not.toBeInTheDocument();
      expect(buttonNames().filter(name => /^(Assign|Hand over|Release) |^(Confirm|Refute)$/.test(name))).toEqual([]);
      // milestones: impact started 09:48, resolved 11:00
      expect(within(screen.getByLabelText('Milestones', { selector: 'table' })).getByText('1 h 12 min')).toBeInTheDocument();
    });
  });

  describe('status update composer', () => {
    const form = () => within(screen.getByLabelText('Status update', { selector: 'form' }));
    const conditions = () => form().getByLabelText(/^Conditions/);
    const actions = () => form().getByLabelText(/^Actions/);
    const needs = () => form().getByLabelText(/^Needs/);
    const post = () => form().getByRole('button', { name: 'Post update' });

    it('enables Post only when Conditions and Actions are filled', async () => {
      await renderPage(fakeApi());
      await loaded();
      expect(post()).toBeDisabled();
      await fill(conditions(), 'Card payments fail');
      expect(post()).toBeDisabled();
      await fill(needs(), 'DBA on call');
      expect(post()).toBeDisabled();
      await fill(actions(), '   ');
      expect(post()).toBeDisabled();
      await user.clear(actions());
      await fill(actions(), 'Rolling back');
      expect(post()).toBeEnabled();
      await user.clear(conditions());
      expect(post()).toBeDisabled();
    });

    it('previews the subject for the chosen audience', async () => {
      await renderPage(fakeApi());
      await loaded();
      expect(form().getByText('[SEV1 UPDATE] checkout-api — investigating')).toBeInTheDocument();
      expect(form().getByText(/Next update: in 15 minutes/)).toBeInTheDocument();

      await user.click(form().getByRole('button', { name: /Audience/ }));
      await user.click(await screen.findByText('executives', { selector: '[role=\"option\"]' }));
      expect(form().getByText('[SEV1] Checkout returns 500 — investigating')).toBeInTheDocument();
      expect(form().queryByText('[SEV1 UPDATE] checkout-api — investigating')).not.toBeInTheDocument();

      await user.click(form().getByRole('button', { name: /Audience/ }));
      await user.click(await screen.findByText('customers', { selector: '[role=\"option\"]' }));
      expect(form().getByText('checkout-api: service disruption')).toBeInTheDocument();
      expect(form().getByText(/Preview \(customers\)/)).toBeInTheDocument();
    });

    it('shows the typed text in the preview', async () => {
      await renderPage(fakeApi());
      await loaded();
      await fill(conditions(), 'Card payments fail');
      await fill(actions(), 'Rolling back');
      const preview = form().getByText(/Current understanding:/);
      expect(preview).toHaveTextContent('Current understanding: Card payments fail');
      expect(preview).toHaveTextContent('Actions taken: Rolling back');
      expect(preview).toHaveTextContent('Needs: none');
    });

    it('posts the CAN update for the chosen audience and clears the form', async () => {
      const api = fakeApi({ postStatusUpdate: async () => event('su-1', new Date().toISOString(), 'posted') });
      await renderPage(api);
      await loaded();
      await user.click(form().getByRole('button', { name: /Audience/ }));
      await user.click(await screen.findByText('executives', { selector: '[role=\"option\"]' }));
      await fill(conditions(), 'Card payments fail for 30% of users');
      await fill(actions(), 'Rolling back release 412');
      await fill(needs(), 'Approval to fail over');
      await user.click(post());

      expect(api.postStatusUpdate).toHaveBeenCalledTimes(1);
      expect(api.postStatusUpdate).toHaveBeenCalledWith('inc-1', {
        audience: 'executives',
        conditions: 'Card payments fail for 30% of users',
        actions: 'Rolling back release 412',
        needs: 'Approval to fail over',
      });
      await waitFor(() => expect(conditions()).toHaveValue(''));
      expect(actions()).toHaveValue('');
      expect(needs()).toHaveValue('');
      expect(post()).toBeDisabled();
      await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
    });

    it('keeps the text and shows the error when posting fails', async () => {
      const api = fakeApi({ postStatusUpdate: async () => Promise.reject(new Error('Status update rejected')) });
      await renderPage(api);
      await loaded();
      await fill(conditions(), 'Card payments fail');
      await fill(actions(), 'Rolling back');
      await user.click(post());
      expect((await screen.findAllByText(/Status update rejected/)).length).toBeGreaterThan(0);
      expect(conditions()).toHaveValue('Card payments fail');
      expect(actions()).toHaveValue('Rolling back');
      expect(api.postStatusUpdate).toHaveBeenCalledWith('inc-1', {
        audience: 'engineering',
        conditions: 'Card payments fail',
        actions: 'Rolling back',
        needs: '',
      });
    });
  });

  describe('roles', () => {
    const withRoles = () =>
      makeIncident({
        version: 9,
        roles: [
          {
            role: 'incident-commander',
            userRef: 'user:default/alice',
            assignedBy: 'user:default/alice',
            assignedAt: '2026-03-01T10:00:00.000Z',
          },
          {
            role: 'scribe',
            userRef: 'user:default/bob',
            assignedBy: 'user:default/alice',
            assignedAt: '2026-03-01T10:05:00.000Z',
          },
        ],
      });
    const roles = () => within(screen.getByLabelText('Roles', { selector: 'table' }));

    it('shows who holds each role and offers Assign for the vacant ones', async () => {
      await renderPage(fakeApi({ incident: withRoles() }));
      await loaded();
      const commanderRow = within(roles().getByText('Incident Commander').closest('tr')!);
      expect(commanderRow.getByRole('link', { name: 'alice' })).toBeInTheDocument();
      expect(commanderRow.getByRole('button', { name: 'Hand over Incident Commander' })).toBeInTheDocument();
      expect(commanderRow.getByRole('button', { name: 'Release Incident Commander' })).toBeInTheDocument();

      const techRow = within(roles().getByText('Technical Lead').closest('tr')!);
      expect(techRow.getByText('unassigned')).toBeInTheDocument();
      expect(techRow.getByRole('button', { name: 'Assign Technical Lead' })).toBeInTheDocument();
      expect(techRow.queryByRole('button', { name: /Release/ })).not.toBeInTheDocument();
    });

    it('assigns a vacant role to a person picked from the catalog, with the version', async () => {
      const api = fakeApi({ incident: withRoles(), assignRole: async () => withRoles() });
      await renderPage(api);
      await loaded();
      await user.click(roles().getByRole('button', { name: 'Assign Technical Lead' }));
      const save = roles().getByRole('button', { name: 'Save' });
      expect(save).toBeDisabled();

      await user.click(roles().getByRole('textbox', { name: 'Person' }));
      await user.click(await screen.findByText('Jane Doe (user:default/jane)', { selector: '[role=\"option\"]' }));
      expect(save).toBeEnabled();
      await user.click(save);

      expect(api.assignRole).toHaveBeenCalledTimes(1);
      expect(api.assignRole).toHaveBeenCalledWith('inc-1', 'technical-lead', 'user:default/jane', 9);
      expect(roles().queryByRole('textbox', { name: 'Person' })).not.toBeInTheDocument();
      await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
    });

    it('hands a held role over to someone else', async () => {
      const api = fakeApi({ incident: withRoles(), assignRole: async () => withRoles() });
      await renderPage(api);
      await loaded();
      await user.click(roles().getByRole('button', { name: 'Hand over Incident Commander' }));
      await user.type(roles().getByRole('textbox', { name: 'Person' }), 'Bob');
      await user.click(await screen.findByText('Bob Builder (user:default/bob)', { selector: '[role=\"option\"]' }));
      await user.click(roles().getByRole('button', { name: 'Save' }));
      expect(api.assignRole).toHaveBeenCalledWith('inc-1', 'incident-commander', 'user:default/bob', 9);
    });

    it('cancels an assignment without calling the API', async () => {
      const api = fakeApi({ incident: withRoles() });
      await renderPage(api);
      await loaded();
      await user.click(roles().getByRole('button', { name: 'Hand over Scribe' }));
      await user.click(roles().getByRole('button', { name: 'Cancel' }));
      expect(roles().queryByRole('textbox', { name: 'Person' })).not.toBeInTheDocument();
      expect(api.assignRole).not.toHaveBeenCalled();
      expect(roles().getByRole('link', { name: 'bob' })).toBeInTheDocument();
    });

    it('releases a role with the version', async () => {
      const api = fakeApi({ incident: withRoles(), releaseRole: async () => withRoles() });
      await renderPage(api);
      await loaded();
      await user.click(roles().getByRole('button', { name: 'Release Scribe' }));
      expect(api.releaseRole).toHaveBeenCalledTimes(1);
      expect(api.releaseRole).toHaveBeenCalledWith('inc-1', 'scribe', 9);
      await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
    });

    it('shows who shadows a role, adds a shadow picked from the catalog and ends one, with the version', async () => {
      const shadowed = () => ({
        ...withRoles(),
        shadows: [
          { role: 'scribe' as const, userRef: 'user:default/jane', assignedBy: 'user:default/alice', assignedAt: '2026-03-01T10:06:00.000Z' },
        ],
      });
      const api = fakeApi({ incident: shadowed(), addShadow: async () => shadowed(), releaseShadow: async () => withRoles() });
      await renderPage(api);
      await loaded();
      const scribeRow = within(roles().getByText('Scribe').closest('tr')!);
      expect(scribeRow.getByText(/shadow:/)).toBeInTheDocument();
      expect(scribeRow.getByRole('link', { name: 'jane' })).toBeInTheDocument();
      // A vacant role has nobody to learn from: no shadow offered.
      const techRow = within(roles().getByText('Technical Lead').closest('tr')!);
      expect(techRow.queryByRole('button', { name: /Add shadow/ })).not.toBeInTheDocument();

      await user.click(roles().getByRole('button', { name: 'Add shadow to Incident Commander' }));
      await user.click(roles().getByRole('textbox', { name: 'Shadow' }));
      await user.click(await screen.findByText('Jane Doe (user:default/jane)', { selector: '[role=\"option\"]' }));
      await user.click(roles().getByRole('button', { name: 'Save' }));
      expect(api.addShadow).toHaveBeenCalledWith('inc-1', 'incident-commander', 'user:default/jane', 9);
      expect(api.assignRole).not.toHaveBeenCalled();

      await waitFor(() => expect(api.getIncident).toHaveBeenCalledTimes(2));
      await user.click(roles().getByRole('button', { name: 'End shadow of Scribe by user:default/jane' }));
      expect(api.releaseShadow).toHaveBeenCalledWith('inc-1', 'scribe', 'user:default/jane', 9);
    });

    it('offers no shadows once the incident is resolved', async () => {
      await renderPage(fakeApi({ incident: { ...withRoles(), status: 'resolved' } }));
      await loaded();
      expect(roles().queryByRole('button', { name: /shadow/i })).not.toBeInTheDocument();
    });

    it('shows a rejected release and keeps the page', async () => {
      const error = await conflictError();
      const api = fakeApi({ incident: withRoles(), releaseRole: () => Promise.reject(error) });
      await renderPage(api);
      await loaded();
      await user.click(roles().getByRole('button', { name: 'Release Scribe' }));
      expect((await screen.findAllByText(/was changed by someone else/)).length).toBeGreaterThan(0);
      expect(roles().getByRole('link', { name: 'bob' })).toBeInTheDocument();
    });
  });

  describe('hypotheses', () => {
    const card = () => within(screen.getByText('Hypotheses').closest('[class*="MuiCard-root"]') as HTMLElement);

    it('lists hypotheses with their timebox', async () => {
      const confirmed = { ...hypothesis('h3', 'Cert expiry', 'confirmed', -20), resolvedAt: minutesFromNow(-12) };
      await renderPage(
        fakeApi({
          insights: {
            hypotheses: [
              hypothesis('h1', 'Bad config deploy', 'open', 8),
              hypothesis('h2', 'DNS', 'expired', -2),
              confirmed,
              // still open when loaded, but its timebox has just run out
              hypothesis('h4', 'Disk full', 'open', -0.5),
            ],
          },
        }),
      );
      await loaded();
      expect(card().getByText('open, 8 min left')).toBeInTheDocument();
      expect(card().getByText('expired')).toBeInTheDocument();
      expect(card().getByText('confirmed 12 min ago')).toBeInTheDocument();
      expect(card().getByText('open, timebox over: pivot or escalate')).toBeInTheDocument();
      // confirm/refute for the open and the expired ones, not for the confirmed one
      expect(card().getAllByRole('button', { name: 'Confirm' })).toHaveLength(3);
      expect(card().getAllByRole('button', { name: 'Refute' })).toHaveLength(3);
    });

    it('starts a timebox for a new hypothesis and clears the field', async () => {
      const api = fakeApi({ openHypothesis: async statement => hypothesis('h9', statement, 'open', 15) });
      await renderPage(api);
      await loaded();
      expect(card().getByText('No hypothesis yet.')).toBeInTheDocument();
      const start = card().getByRole('button', { name: 'Start 15-minute timebox' });
      expect(start).toBeDisabled();
      await fill(card().getByRole('textbox', { name: 'Hypothesis' }), 'Bad config deploy at 13:55');
      await user.click(start);
      expect(api.openHypothesis).toHaveBeenCalledWith('inc-1', 'Bad config deploy at 13:55');
      await waitFor(() => expect(card().getByRole('textbox', { name: 'Hypothesis' })).toHaveValue(''));
    });

    it('confirms and refutes hypotheses', async () => {
      const api = fakeApi({
        insights: {
          hypotheses: [hypothesis('h1', 'Bad config deploy', 'open', 8), hypothesis('h2', 'DNS', 'expired', -2)],
        },
        resolveHypothesis: async (_id, hypothesisId, status) => ({ ...hypothesis(hypothesisId, 'x', 'open'), status }),
      });
      await renderPage(api);
      await loaded();
      const row = (text: string) => within(card().getByText(text).closest('li')!);
      await user.click(row('Bad config deploy').getByRole('button', { name: 'Confirm' }));
      expect(api.resolveHypothesis).toHaveBeenLastCalledWith('inc-1', 'h1', 'confirmed');
      await waitFor(() => expect(row('DNS').getByRole('button', { name: 'Refute' })).toBeEnabled());
      await user.click(row('DNS').getByRole('button', { name: 'Refute' }));
      expect(api.resolveHypothesis).toHaveBeenLastCalledWith('inc-1', 'h2', 'refuted');
      expect(api.resolveHypothesis).toHaveBeenCalledTimes(2);
    });

    it('cannot open a hypothesis on a resolved incident', async () => {
      await renderPage(fakeApi({ incident: makeIncident({ status: 'resolved' }) }));
      await loaded();
      expect(screen.queryByLabelText('New hypothesis', { selector: 'form' })).not.toBeInTheDocument();
    });
  });

  describe('timeline', () => {
    const timelineTable = () => screen.getByLabelText('Timeline', { selector: 'table' });
    const entryForm = () => within(screen.getByLabelText('Timeline entry', { selector: 'form' }));

    it('shows entries oldest first, with their author, and MajorOps for automatic ones', async () => {
      await renderPage(
        fakeApi({
          timeline: [
            event('e1', '2026-03-01T10:00:00.000Z', 'Incident declared'),
            {
              ...event('e2', '2026-03-01T10:15:30.000Z', 'long text', SYSTEM_ACTOR),
              type: 'escalation',
              body: { text: 'Status update overdue' },
            },
            {
              ...event('e3', '2026-03-01T10:20:00.000Z', 'full text', 'user:default/bob'),
              type: 'status-update',
              body: { text: 'full text', subject: '[SEV1 UPDATE] checkout-api — investigating' },
            },
          ],
        }),
      );
      await loaded();
      const rows = within(timelineTable()).getAllByRole('row');
      expect(rows.map(r => r.textContent)).toEqual([
        expect.stringContaining('Incident declared'),
        expect.stringContaining('Status update overdue'),
        expect.stringContaining('[SEV1 UPDATE] checkout-api — investigating'),
      ]);
      expect(within(rows[0]).getByText('2026-03-01 10:00')).toBeInTheDocument();
      expect(within(rows[0]).getByRole('link', { name: 'alice' })).toBeInTheDocument();
      expect(within(rows[1]).getByText('MajorOps')).toBeInTheDocument();
      expect(within(rows[1]).getByText('escalation')).toBeInTheDocument();
      expect(within(rows[1]).queryByRole('link')).not.toBeInTheDocument();
      expect(within(rows[2]).getByRole('link', { name: 'bob' })).toBeInTheDocument();
      expect(within(rows[2]).queryByText('full text')).not.toBeInTheDocument();
    });

    it('adds a note with its type and text, then clears the text', async () => {
      const api = fakeApi({
        addTimelineEntry: async (_id, entry) => event('e9', new Date().toISOString(), entry.text),
      });
      await renderPage(api);
      await loaded();
      const add = entryForm().getByRole('button', { name: 'Add' });
      expect(add).toBeDisabled();
      await fill(entryForm().getByRole('textbox', { name: 'What happened' }), 'Rolled back release 412');
      await user.click(add);
      expect(api.addTimelineEntry).toHaveBeenCalledWith('inc-1', { type: 'note', text: 'Rolled back release 412' });
      await waitFor(() => expect(entryForm().getByRole('textbox', { name: 'What happened' })).toHaveValue(''));
    });

    it('adds a decision when that type is chosen', async () => {
      const api = fakeApi({
        addTimelineEntry: async (_id, entry) => event('e9', new Date().toISOString(), entry.text),
      });
      await renderPage(api);
      await loaded();
      // The Select's aria-label does not reach its button, which is named after the chosen type.
      await user.click(entryForm().getByRole('button', { name: /Entry type/ }));
      await user.click(await screen.findByText('decision', { selector: '[role=\"option\"]' }));
      await fill(entryForm().getByRole('textbox', { name: 'What happened' }), 'Fail over to region B');
      await user.click(entryForm().getByRole('button', { name: 'Add' }));
      expect(api.addTimelineEntry).toHaveBeenCalledWith('inc-1', { type: 'decision', text: 'Fail over to region B' });
    });

    // MUI 4 Select needs the label on its input props to be announced.
    it('gives the entry-type picker an accessible name', async () => {
      await renderPage(fakeApi());
      await loaded();
      expect(entryForm().getByRole('button', { name: /Entry type/ })).toBeInTheDocument();
    });

    // The timeline follows its pages, so the newest entries of a long incident are shown.
    it('shows the newest entries of a timeline longer than one page', async () => {
      const start = Date.parse('2026-03-01T10:00:00.000Z');
      const firstPage = Array.from({ length: 500 }, (_, i) =>
        event(`e${i}`, new Date(start + i * 60_000).toISOString(), `Automatic entry ${i}`, SYSTEM_ACTOR),
      );
      const newest = event('e500', new Date(start + 500 * 60_000).toISOString(), 'Newest note');
      const api = fakeApi({
        listTimeline: async (_id, options) =>
          options?.cursor === 'page-2' ? { items: [newest] } : { items: firstPage, nextCursor: 'page-2' },
      });
      await renderPage(api);
      await loaded();
      expect(await screen.findByText('Newest note')).toBeInTheDocument();
    });

    it('keeps the text when adding fails', async () => {
      const api = fakeApi({ addTimelineEntry: async () => Promise.reject(new Error('Timeline is read-only')) });
      await renderPage(api);
      await loaded();
      await fill(entryForm().getByRole('textbox', { name: 'What happened' }), 'A note');
      await user.click(entryForm().getByRole('button', { name: 'Add' }));
      expect((await screen.findAllByText(/Timeline is read-only/)).length).toBeGreaterThan(0);
      expect(entryForm().getByRole('textbox', { name: 'What happened' })).toHaveValue('A note');
    });
  });
});
