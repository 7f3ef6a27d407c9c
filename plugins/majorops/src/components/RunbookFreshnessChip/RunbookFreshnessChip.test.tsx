import { renderInTestApp } from '@backstage/test-utils';
import type { RunbookFreshness } from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { needsDrill, RunbookFreshnessChip } from './RunbookFreshnessChip';

const RED = 'rgb(183, 28, 28)';

describe('RunbookFreshnessChip', () => {
  it.each<[RunbookFreshness, string, boolean]>([
    [{ status: 'never-tested', explanation: 'Never tested in a drill or game day.' }, 'never tested', true],
    [{ status: 'stale', ageDays: 120, explanation: 'Last tested 120 days ago, more than 90.' }, 'stale', true],
    [{ status: 'due-soon', ageDays: 80, explanation: 'Last tested 80 days ago; stale after 90.' }, 'due soon', false],
    [{ status: 'fresh', ageDays: 3, explanation: 'Last tested 3 days ago.' }, 'fresh', false],
  ])('$0.status shows "$1" (red: $2) with the explanation as tooltip', async (freshness, label, red) => {
    await renderInTestApp(<RunbookFreshnessChip freshness={freshness} />);
    const chip = screen.getByText(label).closest('[data-freshness]') as HTMLElement;
    expect(chip).toHaveAttribute('data-freshness', freshness.status);
    if (red) expect(chip).toHaveStyle({ backgroundColor: RED });
    else expect(chip).not.toHaveStyle({ backgroundColor: RED });
    expect(needsDrill(freshness)).toBe(red);

    await userEvent.hover(chip);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(freshness.explanation);
  });
});
