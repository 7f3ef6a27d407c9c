import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { ResponderParticipation } from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { EntityReputationContent } from './EntityReputationContent';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';

function user(title?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default', ...(title ? { title } : {}) },
    spec: { memberOf: ['group:default/team-a'] },
  };
}

function fakeApi(getReputation: MajorOpsApi['getReputation']): jest.Mocked<MajorOpsApi> {
  return mockMajorOpsApi({ getReputation });
}

function participation(p: Partial<ResponderParticipation>): ResponderParticipation {
  return { userRef: 'user:default/jane', incidents: 0, rolesHeld: {}, ...p };
}

async function render(api: MajorOpsApi, entity: Entity = user()) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityReputationContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityReputationContent', () => {
  it('asks for the reputation of the user entity', async () => {
    const api = fakeApi(async () => ({ participation: participation({}) }));
    await render(api);
    await screen.findByText('No incident history yet');
    expect(api.getReputation).toHaveBeenCalledTimes(1);
    expect(api.getReputation).toHaveBeenCalledWith('user:default/jane');
  });

  it.each<[string, Entity, string]>([
    ['the name', user(), 'jane has not held a role'],
    ['the title', user('Jane Doe'), 'Jane Doe has not held a role'],
  ])('shows "No incident history yet" when incidents is 0, naming the person by %s', async (_w, entity, text) => {
    await render(fakeApi(async () => ({ participation: participation({ incidents: 0 }) })), entity);
    expect(await screen.findByText('No incident history yet')).toBeInTheDocument();
    expect(screen.getByText(new RegExp(text))).toBeInTheDocument();
  });

  it('shows counts and role titles, only for roles held', async () => {
    const lastIncidentAt = new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString();
    const api = fakeApi(async () => ({
      participation: participation({
        incidents: 7,
        rolesHeld: { 'incident-commander': 4, scribe: 2, 'technical-lead': 0 },
        lastIncidentAt,
      }),
    }));
    await render(api, user('Jane Doe'));

    expect(await screen.findByText('Jane Doe in incidents')).toBeInTheDocument();
    // StructuredMetadataTable start-cases the labels
    const valueOf = (label: string) => screen.getByText(label).closest('tr')?.textContent;
    expect(valueOf('Incidents Taken Part In')).toContain('7');
    expect(valueOf('Incident Commander')).toContain('4');
    expect(valueOf('Scribe')).toContain('2');
    expect(valueOf('Most Recent Incident')).toContain('3 h ago');
    for (const absent of ['Technical Lead', 'Communications Lead', 'Operations Chief']) {
      expect(screen.queryByText(absent)).not.toBeInTheDocument();
    }
    expect(screen.queryByText('No incident history yet')).not.toBeInTheDocument();
  });

  it('shows a dash when the most recent incident is unknown', async () => {
    await render(
      fakeApi(async () => ({
        participation: participation({ incidents: 1, rolesHeld: { 'operations-chief': 1 } }),
      })),
    );
    expect(await screen.findByText('Operations Chief')).toBeInTheDocument();
    expect(screen.getByText('Most Recent Incident').closest('tr')?.textContent).toContain('—');
  });

  it('shows an error panel when the API rejects', async () => {
    await render(fakeApi(() => Promise.reject(new Error('reputation unavailable'))));
    expect(await screen.findByText('Error: reputation unavailable')).toBeInTheDocument();
  });
});
