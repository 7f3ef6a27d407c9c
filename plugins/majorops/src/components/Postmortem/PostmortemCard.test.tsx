import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { Incident, PostmortemView, TimelineEvent } from '@majorops/plugin-majorops-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel, type UserEvent } from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { PostmortemCard } from './PostmortemCard';
import { catalogUsers, makeIncident, makePostmortem, responseError } from './testFixtures';

jest.setTimeout(30_000);

async function renderCard(
  api: MajorOpsApi,
  props: { incident?: Incident; actionItemCount?: number; events?: TimelineEvent[] } = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: catalogUsers })]]}>
      <PostmortemCard
        incident={props.incident ?? makeIncident()}
        actionItemCount={props.actionItemCount}
        events={props.events}
      />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** An API whose post-mortem is `view`; saving echoes the body back as the next version. */
function apiWith(view: PostmortemView | undefined, rest: Partial<MajorOpsApi> = {}) {
  return mockMajorOpsApi({
    getPostmortem: async () => view,
    savePostmortem: async (_id, request) =>
      makePostmortem({
        ...(view ?? {}),
        ...(request as Partial<PostmortemView>),
        version: (view?.version ?? 0) + 1,
      }),
    ...rest,
  });
}

// Role queries compute every accessible name of this large form, which is slow in jsdom: fields are
// found by their label, buttons by their text (or aria-label for icon buttons).
const textbox = (label: string | RegExp) => screen.getByLabelText(label, { selector: 'input, textarea' });
const buttonNamed = (name: string) =>
  (screen.queryByText(name, { selector: 'button > span' })?.closest('button') ??
    screen.getByLabelText(name, { selector: 'button' })) as HTMLButtonElement;

describe('PostmortemCard', () => {
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  });
  /** Types by pasting: key-by-key typing into multiline fields is slow in jsdom. */
  const fill = async (field: HTMLElement, text: string) => {
    await user.click(field);
    await user.paste(text);
  };

  describe('before a post-mortem exists', () => {
    it('says a SEV1 needs a full one within 48 hours of resolution, with its deadline', async () => {
      const resolvedAt = new Date(Date.now() - 10 * 3600_000).toISOString();
      await renderCard(apiWith(undefined), { incident: makeIncident({ milestones: { declaredAt: resolvedAt, resolvedAt } }) });
      expect(await screen.findByTestId('postmortem-requirement')).toHaveTextContent(
        'SEV1 incidents need a full post-mortem. It has to be final within 48 hours of resolution.',
      );
      expect(screen.getByTestId('postmortem-deadline')).toHaveTextContent(/Due in 3[78] h/);
      expect(buttonNamed('Start post-mortem')).toBeEnabled();
    });

    it('says a summary is enough for a SEV3, with no deadline', async () => {
      await renderCard(apiWith(undefined), { incident: makeIncident({ severity: 'SEV3' }) });
      expect(await screen.findByTestId('postmortem-requirement')).toHaveTextContent(
        'A lightweight summary is enough for a SEV3 incident.',
      );
      expect(screen.queryByTestId('postmortem-deadline')).not.toBeInTheDocument();
    });

    it('starts a post-mortem with an empty body and shows the generated draft', async () => {
      const created = makePostmortem();
      const api = mockMajorOpsApi({ getPostmortem: async () => undefined, savePostmortem: async () => created });
      await renderCard(api);
      await screen.findByText('Start post-mortem');
      await user.click(buttonNamed('Start post-mortem'));
      expect(api.savePostmortem).toHaveBeenCalledWith('inc-1', {});
      expect(await screen.findByTestId('postmortem-status')).toHaveTextContent('draft');
      expect(textbox('Event of row 1')).toHaveValue('Incident declared');
      expect(screen.getAllByText('from the incident timeline')).toHaveLength(2);
    });

    it('shows why starting failed', async () => {
      const error = await responseError(409, 'ConflictError', 'Incident inc-1 already has a post-mortem');
      const api = mockMajorOpsApi({ getPostmortem: async () => undefined, savePostmortem: () => Promise.reject(error) });
      await renderCard(api);
      await screen.findByText('Start post-mortem');
      await user.click(buttonNamed('Start post-mortem'));
      expect(await screen.findByText(/already has a post-mortem/)).toBeInTheDocument();
    });
  });

  describe('a draft', () => {
    it('shows status, kind, deadline and the sections still missing', async () => {
      await renderCard(apiWith(makePostmortem()));
      expect(await screen.findByTestId('postmortem-status')).toHaveTextContent('draft');
      expect(screen.getByText('Full post-mortem')).toBeInTheDocument();
      expect(screen.getByTestId('postmortem-deadline')).toHaveTextContent('Due in 20 h');
      expect(screen.getByTestId('postmortem-missing')).toHaveTextContent(
        'Before review, fill in: Executive summary, Immediate cause.',
      );
      expect(buttonNamed('Send to review')).toBeInTheDocument();
      expect(screen.queryByText('Make final')).not.toBeInTheDocument();
    });

    it('flags an overdue post-mortem', async () => {
      await renderCard(
        apiWith(
          makePostmortem({
            deadline: { state: 'overdue', dueAt: '2026-03-03T11:00:00.000Z', hours: 5, explanation: 'Overdue by 5 h.' },
          }),
        ),
      );
      const line = await screen.findByTestId('postmortem-deadline');
      expect(line).toHaveTextContent('Overdue by 5 h');
      expect(line).toHaveAttribute('data-deadline', 'overdue');
    });

    it('follows the form for missing sections when the action items are known', async () => {
      await renderCard(apiWith(makePostmortem()), { actionItemCount: 0 });
      const missing = await screen.findByTestId('postmortem-missing');
      expect(missing).toHaveTextContent(/Executive summary, Immediate cause, Users affected/);
      expect(missing).toHaveTextContent(/At least one action item/);
      await fill(textbox('Executive summary'), 'Checkout failed for 40 minutes.');
      expect(missing).not.toHaveTextContent(/Executive summary/);
    });

    // The longest test: it fills most of the form.
    it('saves the whole document with the version it was read at', async () => {
      const api = apiWith(makePostmortem());
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      expect(buttonNamed('Save')).toBeDisabled();

      await fill(textbox('Executive summary'), 'Card payments failed for 40 minutes after a config deploy.');
      await fill(textbox('Users affected'), '~12% of EU checkouts');
      await fill(textbox(/SLO budget consumed/), '35');
      await fill(textbox('Immediate cause'), 'A config deploy set the pool size to 0.');
      await user.click(buttonNamed('Add a why'));
      await fill(textbox('1. Why did the incident happen? →'), 'The pool size was 0');
      await user.click(buttonNamed('Add a why'));
      await fill(textbox('2. Why did "The pool size was 0" happen? →'), 'Config is not validated');
      await user.click(buttonNamed('Add what went well'));
      await fill(textbox('Went well 1'), 'Rollback took 2 minutes');
      await fill(textbox('Failure modes'), 'config-deploy, pool exhaustion');
      expect(screen.getByText('pool exhaustion')).toBeInTheDocument();
      await user.click(buttonNamed('Save'));

      expect(api.savePostmortem).toHaveBeenCalledTimes(1);
      expect(api.savePostmortem).toHaveBeenCalledWith('inc-1', {
        version: 4,
        status: 'draft',
        kind: 'full',
        executiveSummary: 'Card payments failed for 40 minutes after a config deploy.',
        impact: { usersAffected: '~12% of EU checkouts', revenueImpact: '', sloBudgetConsumedPercent: 35 },
        timeline: [
          { at: '2026-03-01T10:00:00.000Z', text: 'Incident declared', sourceEventId: 'e1' },
          { at: '2026-03-01T10:42:10.000Z', text: 'Rolled back release 412', sourceEventId: 'e2' },
        ],
        whatHappened: '',
        contributingFactors: { immediate: 'A config deploy set the pool size to 0.', underlying: '', systemic: '' },
        fiveWhys: ['The pool size was 0', 'Config is not validated'],
        wentWell: ['Rollback took 2 minutes'],
        wentPoorly: [],
        lessonsLearned: '',
        failureModes: ['config-deploy', 'pool exhaustion'],
        facilitatorRef: null,
        visibility: 'organization',
        visibleToGroups: [],
      });
      // The saved version is what the next save sends.
      await waitFor(() => expect(screen.getByText(/version 5/)).toBeInTheDocument());
      await fill(textbox('Lessons learned'), 'Validate config in CI.');
      await user.click(buttonNamed('Save'));
      expect(api.savePostmortem).toHaveBeenLastCalledWith('inc-1', expect.objectContaining({ version: 5 }));
    }, 60_000);

    it('edits, adds and removes timeline rows, keeping the source of generated ones', async () => {
      const api = apiWith(makePostmortem());
      const events: TimelineEvent[] = [
        { id: 'e1', incidentId: 'inc-1', type: 'declared', occurredAt: '2026-03-01T10:00:00.000Z', actorRef: 'user:default/alice', body: { text: 'Incident declared' } },
        { id: 'e2', incidentId: 'inc-1', type: 'note', occurredAt: '2026-03-01T10:42:10.000Z', actorRef: 'user:default/alice', body: { text: 'Rolled back release 412' } },
      ];
      await renderCard(api, { events });
      await screen.findByTestId('postmortem-status');
      expect(textbox('Time of row 2')).toHaveValue('2026-03-01 10:42');

      await fill(textbox('Event of row 2'), ' (canary first)');
      expect(screen.getByText('from the incident timeline, edited')).toBeInTheDocument();
      await user.click(buttonNamed('Remove row 1'));
      await user.click(buttonNamed('Add timeline row'));
      const time = textbox('Time of row 2');
      await user.tripleClick(time);
      await user.paste('2026-03-01 11:05');
      await fill(textbox('Event of row 2'), 'All-clear to stakeholders');
      expect(screen.getByText('added by hand')).toBeInTheDocument();
      await user.click(buttonNamed('Save'));

      expect(api.savePostmortem.mock.calls[0][1].timeline).toEqual([
        { at: '2026-03-01T10:42:10.000Z', text: 'Rolled back release 412 (canary first)', sourceEventId: 'e2' },
        { at: '2026-03-01T11:05:00.000Z', text: 'All-clear to stakeholders' },
      ]);
    });

    it('does not send a timeline row whose time cannot be read', async () => {
      const api = apiWith(makePostmortem());
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      await fill(textbox('Time of row 1'), 'x');
      expect(screen.getByText('YYYY-MM-DD HH:mm (UTC)')).toBeInTheDocument();
      await user.click(buttonNamed('Save'));
      expect(api.savePostmortem).not.toHaveBeenCalled();
      expect(screen.getByText(/has a time that cannot be read/)).toBeInTheDocument();
    });

    it('restricts visibility to named groups', async () => {
      const api = apiWith(makePostmortem());
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      await user.click(screen.getByLabelText('Restricted to named groups'));
      await user.click(textbox('Groups that may read it'));
      await user.click(await screen.findByText(/\(group:default\/payments-team\)/, { selector: '[role="option"]' }));
      await user.click(textbox('Facilitator'));
      await user.click(await screen.findByText('Jane Doe (user:default/jane)', { selector: '[role="option"]' }));
      await user.click(buttonNamed('Save'));
      expect(api.savePostmortem).toHaveBeenCalledWith(
        'inc-1',
        expect.objectContaining({
          visibility: 'restricted',
          visibleToGroups: ['group:default/payments-team'],
          facilitatorRef: 'user:default/jane',
        }),
      );
    });

    it('keeps the edits and shows the message when someone else saved first, until Reload', async () => {
      const conflict = await responseError(409, 'ConflictError', 'The post-mortem of inc-1 was changed by someone else (version 5)');
      const latest = makePostmortem({ executiveSummary: 'Their summary', version: 5 });
      const api = mockMajorOpsApi({
        getPostmortem: jest.fn().mockResolvedValueOnce(makePostmortem()).mockResolvedValueOnce(latest),
        savePostmortem: () => Promise.reject(conflict),
      });
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      await fill(textbox('Executive summary'), 'My summary');
      await user.click(buttonNamed('Save'));

      expect(await screen.findByText(/was changed by someone else \(version 5\)/)).toBeInTheDocument();
      expect(screen.getByText(/Your edits are still in the form/)).toBeInTheDocument();
      expect(textbox('Executive summary')).toHaveValue('My summary');

      await user.click(buttonNamed('Reload'));
      await waitFor(() => expect(textbox('Executive summary')).toHaveValue('Their summary'));
      expect(api.getPostmortem).toHaveBeenCalledTimes(2);
      expect(screen.queryByText(/was changed by someone else/)).not.toBeInTheDocument();
      expect(screen.getByText(/version 5/)).toBeInTheDocument();
    });

    it('shows blameless hints as notes that never block saving', async () => {
      const api = apiWith(
        makePostmortem({
          whatHappened: 'The on-call forgot the flag.',
          blamelessHints: [{ phrase: 'forgot', suggestion: 'Ask what reminder or automation was missing.' }],
        }),
      );
      await renderCard(api);
      const hints = await screen.findByTestId('postmortem-blameless-hints');
      expect(hints).toHaveTextContent('“forgot”: Ask what reminder or automation was missing.');
      await fill(textbox('Lessons learned'), 'This was human error.');
      expect(hints).toHaveTextContent(/“human error”/);
      await user.click(buttonNamed('Save'));
      expect(api.savePostmortem).toHaveBeenCalledTimes(1);
    });
  });

  describe('status', () => {
    it('sends a draft to review with its edits', async () => {
      const api = apiWith(makePostmortem());
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      await fill(textbox('Executive summary'), 'Summary');
      await user.click(buttonNamed('Send to review'));
      expect(api.savePostmortem).toHaveBeenCalledWith(
        'inc-1',
        expect.objectContaining({ version: 4, status: 'review', executiveSummary: 'Summary' }),
      );
      await waitFor(() => expect(screen.getByTestId('postmortem-status')).toHaveTextContent('review'));
      expect(buttonNamed('Back to draft')).toBeInTheDocument();
      expect(buttonNamed('Make final')).toBeInTheDocument();
    });

    it('shows the server refusal of a status change and stays a draft', async () => {
      const refusal = await responseError(
        400,
        'InputError',
        'Fill in Executive summary, Immediate cause before moving the post-mortem to review.',
      );
      const api = mockMajorOpsApi({ getPostmortem: async () => makePostmortem(), savePostmortem: () => Promise.reject(refusal) });
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      await user.click(buttonNamed('Send to review'));
      expect(await screen.findByText(/before moving the post-mortem to review/)).toBeInTheDocument();
      expect(screen.getByText('The post-mortem was not changed')).toBeInTheDocument();
      expect(screen.getByTestId('postmortem-status')).toHaveTextContent('draft');
      expect(screen.queryByText('Reload')).not.toBeInTheDocument();
    });

    it('moves a review back to draft or makes it final', async () => {
      const api = apiWith(makePostmortem({ status: 'review', missingSections: [] }));
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      expect(screen.getByTestId('postmortem-missing')).toHaveTextContent('Every section is filled in.');
      await user.click(buttonNamed('Make final'));
      expect(api.savePostmortem).toHaveBeenLastCalledWith('inc-1', expect.objectContaining({ status: 'final', version: 4 }));
      await waitFor(() => expect(screen.getByTestId('postmortem-status')).toHaveTextContent('final'));
    });

    it('shows a final post-mortem read-only until it is reopened', async () => {
      const api = apiWith(makePostmortem({ status: 'final', executiveSummary: 'Done', missingSections: [] }));
      await renderCard(api);
      await screen.findByTestId('postmortem-status');
      expect(textbox('Executive summary')).toBeDisabled();
      expect(screen.queryByText('Save', { selector: 'button > span' })).not.toBeInTheDocument();
      expect(screen.queryByText('Add a why')).not.toBeInTheDocument();
      expect(screen.getByText(/Reopen it for review to change anything/)).toBeInTheDocument();
      await user.click(buttonNamed('Reopen'));
      expect(api.savePostmortem).toHaveBeenCalledWith('inc-1', expect.objectContaining({ status: 'review', version: 4 }));
      await waitFor(() => expect(textbox('Executive summary')).toBeEnabled());
    });
  });

  describe('a summary', () => {
    const summary = () =>
      makePostmortem({
        kind: 'summary',
        requirement: { kind: 'summary', required: false, explanation: 'A lightweight summary is enough for a SEV3 incident.' },
        deadline: { state: 'not-required', explanation: 'No post-mortem deadline: a summary is enough.' },
      });

    it('shows only the summary, the immediate cause and the lessons', async () => {
      await renderCard(apiWith(summary()), { incident: makeIncident({ severity: 'SEV3' }) });
      await screen.findByTestId('postmortem-status');
      expect(screen.getByText('Summary')).toBeInTheDocument();
      expect(screen.getByText(/The full template is optional/)).toBeInTheDocument();
      expect(textbox('Executive summary')).toBeInTheDocument();
      expect(textbox('Immediate cause')).toBeInTheDocument();
      expect(textbox('Lessons learned')).toBeInTheDocument();
      for (const hidden of ['What happened', 'Users affected', 'Underlying cause', 'Systemic cause', 'Event of row 1']) {
        expect(screen.queryByLabelText(hidden)).not.toBeInTheDocument();
      }
      expect(screen.queryByText('5 whys')).not.toBeInTheDocument();
      expect(screen.queryByText('What went well')).not.toBeInTheDocument();
    });

    it('can switch to the full template, which is saved as the kind', async () => {
      const api = apiWith(summary());
      await renderCard(api, { incident: makeIncident({ severity: 'SEV3' }) });
      await screen.findByTestId('postmortem-status');
      await user.click(buttonNamed('Use the full template'));
      expect(textbox('What happened')).toBeInTheDocument();
      await user.click(buttonNamed('Save'));
      expect(api.savePostmortem).toHaveBeenCalledWith('inc-1', expect.objectContaining({ kind: 'full' }));
      expect(screen.getByText('Switch back to a summary')).toBeInTheDocument();
    });
  });
});
