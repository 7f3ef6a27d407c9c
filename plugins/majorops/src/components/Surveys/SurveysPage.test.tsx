import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { PEER_FEEDBACK_QUESTIONS, type PendingSurvey } from '@majorops/plugin-majorops-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { notAllowedError } from '../../testing/notAllowedError';
import { PendingSurveysLink } from './PendingSurveysLink';
import { SurveysPage } from './SurveysPage';

jest.setTimeout(30_000);

function survey(id: string, subject: string, incidentId = 'inc-1'): PendingSurvey {
  return {
    id,
    incidentId,
    incidentTitle: `Checkout down (${id})`,
    severity: 'SEV1',
    subjectRef: `user:default/${subject}`,
    subjectRoles: ['incident-commander'],
    questions: PEER_FEEDBACK_QUESTIONS.map(q => ({ id: q.id, text: q.text })),
    createdAt: '2026-04-01T10:00:00.000Z',
    closesAt: '2026-04-08T10:00:00.000Z',
  };
}

const routes = { mountedRoutes: { '/majorops': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef } };

async function render(api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <SurveysPage />
    </TestApiProvider>,
    routes,
  );
}

async function choose(form: HTMLElement, question: RegExp, value: number) {
  const group = within(form).getByRole('radiogroup', { name: question });
  await userEvent.click(within(group).getByRole('radio', { name: String(value) }));
}

describe('SurveysPage', () => {
  it('lists pending surveys with the three questions about the colleague and the anonymity note', async () => {
    await render(mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [survey('s-1', 'ada')] }) }));
    const form = await screen.findByRole('form', { name: 'Survey about ada on Checkout down (s-1)' });
    expect(within(form).getByRole('radiogroup', { name: /Was ada clear and calm under pressure/ })).toBeInTheDocument();
    expect(within(form).getByRole('radiogroup', { name: /Did ada's contributions help/ })).toBeInTheDocument();
    expect(within(form).getByRole('radiogroup', { name: /Would you want ada as your primary contact/ })).toBeInTheDocument();
    expect(within(within(form).getAllByRole('radiogroup')[0]).getAllByRole('radio')).toHaveLength(10);
    expect(screen.getByText(/never shown individually, to anyone\. They count only as averages over at least 3 colleagues/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Checkout down (s-1)' })).toHaveAttribute('href', '/majorops/incidents/inc-1');
  });

  it('sends the three answers and the trimmed comment, then removes the survey', async () => {
    const api = mockMajorOpsApi({
      listPendingSurveys: async () => ({ items: [survey('s-1', 'ada'), survey('s-2', 'bo')] }),
      answerSurvey: jest.fn(async () => undefined),
    });
    await render(api);
    const form = await screen.findByRole('form', { name: 'Survey about ada on Checkout down (s-1)' });
    await choose(form, /clear and calm/, 8);
    await choose(form, /help move the incident/, 9);
    await choose(form, /primary contact/, 7);
    fireEvent.change(within(form).getByLabelText(/Comment/), { target: { value: '  Calm on the bridge  ' } });
    await userEvent.click(within(form).getByRole('button', { name: 'Send answers' }));

    await waitFor(() =>
      expect(screen.queryByRole('form', { name: 'Survey about ada on Checkout down (s-1)' })).not.toBeInTheDocument(),
    );
    expect(api.answerSurvey).toHaveBeenCalledTimes(1);
    expect(api.answerSurvey).toHaveBeenCalledWith('s-1', {
      answers: { clearAndCalm: 8, helpedResolution: 9, primaryContact: 7 },
      comment: 'Calm on the bridge',
    });
    expect(screen.getByRole('form', { name: 'Survey about bo on Checkout down (s-2)' })).toBeInTheDocument();
    expect(screen.getByText('Thank you: 1 survey answered.')).toBeInTheDocument();
  });

  it('leaves the comment out when empty', async () => {
    const api = mockMajorOpsApi({
      listPendingSurveys: async () => ({ items: [survey('s-1', 'ada')] }),
      answerSurvey: jest.fn(async () => undefined),
    });
    await render(api);
    const form = await screen.findByRole('form', { name: /Survey about ada/ });
    await choose(form, /clear and calm/, 10);
    await choose(form, /help move the incident/, 1);
    await choose(form, /primary contact/, 5);
    await userEvent.click(within(form).getByRole('button', { name: 'Send answers' }));
    await screen.findByText('No surveys waiting for you.');
    expect(api.answerSurvey).toHaveBeenCalledWith('s-1', {
      answers: { clearAndCalm: 10, helpedResolution: 1, primaryContact: 5 },
    });
  });

  it('requires all three answers before sending', async () => {
    const api = mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [survey('s-1', 'ada')] }) });
    await render(api);
    const form = await screen.findByRole('form', { name: /Survey about ada/ });
    await choose(form, /clear and calm/, 8);
    await choose(form, /primary contact/, 7);
    await userEvent.click(within(form).getByRole('button', { name: 'Send answers' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('Answer all three questions from 1 to 10 (1 still open).');
    expect(api.answerSurvey).not.toHaveBeenCalled();
    expect(screen.getByRole('form', { name: /Survey about ada/ })).toBeInTheDocument();
  });

  it('keeps the survey and explains a 403', async () => {
    const error = await notAllowedError('survey closed');
    const api = mockMajorOpsApi({
      listPendingSurveys: async () => ({ items: [survey('s-1', 'ada')] }),
      answerSurvey: () => Promise.reject(error),
    });
    await render(api);
    const form = await screen.findByRole('form', { name: /Survey about ada/ });
    await choose(form, /clear and calm/, 8);
    await choose(form, /help move the incident/, 8);
    await choose(form, /primary contact/, 8);
    await userEvent.click(within(form).getByRole('button', { name: 'Send answers' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('This survey is not yours to answer, or it has closed.');
  });

  it('says when nothing waits', async () => {
    await render(mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [] }) }));
    expect(await screen.findByText('No surveys waiting for you.')).toBeInTheDocument();
  });
});

describe('PendingSurveysLink', () => {
  async function renderLink(api: MajorOpsApi, incidentId?: string) {
    return renderInTestApp(
      <TestApiProvider apis={[[majorOpsApiRef, api]]}>
        <PendingSurveysLink incidentId={incidentId} />
        <span>rendered</span>
      </TestApiProvider>,
      routes,
    );
  }

  it('counts the waiting surveys and links to the surveys page', async () => {
    await renderLink(mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [survey('s-1', 'ada'), survey('s-2', 'bo', 'inc-2')] }) }));
    expect(await screen.findByRole('link', { name: '2 surveys waiting' })).toHaveAttribute('href', '/majorops/surveys');
  });

  it('on an incident, counts only the surveys about it', async () => {
    await renderLink(
      mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [survey('s-1', 'ada'), survey('s-2', 'bo', 'inc-2')] }) }),
      'inc-2',
    );
    expect(await screen.findByRole('link', { name: 'Rate your colleagues on this incident (1 survey waiting)' })).toBeInTheDocument();
  });

  it('shows nothing when none wait for the incident or the list fails', async () => {
    const api = mockMajorOpsApi({ listPendingSurveys: async () => ({ items: [survey('s-1', 'ada')] }) });
    await renderLink(api, 'inc-9');
    await waitFor(() => expect(api.listPendingSurveys).toHaveBeenCalled());
    expect(screen.queryByTestId('pending-surveys-link')).not.toBeInTheDocument();
    expect(screen.getByText('rendered')).toBeInTheDocument();
  });
});
