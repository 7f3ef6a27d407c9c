import { renderInTestApp } from '@backstage/test-utils';
import { SEVERITIES, Severity } from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import { SeverityChip } from './SeverityChip';

describe('SeverityChip', () => {
  it.each(SEVERITIES)('shows %s as its label', async severity => {
    await renderInTestApp(<SeverityChip severity={severity} />);
    const chip = screen.getByTestId(`severity-${severity}`);
    expect(chip).toHaveTextContent(severity);
  });

  it('gives every severity its own colour', async () => {
    const classes = new Map<Severity, string>();
    await renderInTestApp(
      <>
        {SEVERITIES.map(s => (
          <SeverityChip key={s} severity={s} />
        ))}
      </>,
    );
    for (const s of SEVERITIES) {
      const own = [...screen.getByTestId(`severity-${s}`).classList].filter(c => c.includes(s));
      expect(own).toHaveLength(1);
      classes.set(s, own[0]);
    }
    expect(new Set(classes.values()).size).toBe(SEVERITIES.length);
  });
});
