import { ConfigReader } from '@backstage/config';
import { DEFAULT_REPUTATION_CONFIG } from '@majorops/plugin-majorops-common';
import { readReputationConfig, readReputationUpdateMinutes } from './reputationConfig';

describe('readReputationConfig', () => {
  it('gives the defaults without config, and applies overrides per section', () => {
    expect(readReputationConfig(new ConfigReader({}))).toEqual(DEFAULT_REPUTATION_CONFIG);
    const config = readReputationConfig(
      new ConfigReader({ majorops: { reputation: { score: { halfLifeDays: 30, incidentCapShare: 0.5 }, update: { frequencyMinutes: 5 } } } }),
    );
    expect(config.score).toMatchObject({ halfLifeDays: 30, incidentCapShare: 0.5, priorStrength: 3 });
    expect(config.derivation).toEqual(DEFAULT_REPUTATION_CONFIG.derivation);
  });

  it('stops start-up on an invalid value, naming its path', () => {
    expect(() =>
      readReputationConfig(new ConfigReader({ majorops: { reputation: { score: { halfLifeDays: 0, incidentCapShare: 2 } } } })),
    ).toThrow(/majorops\.reputation\.score\.halfLifeDays must be more than 0.*incidentCapShare/);
    expect(() => readReputationUpdateMinutes(new ConfigReader({ majorops: { reputation: { update: { frequencyMinutes: 0 } } } }))).toThrow(
      /frequencyMinutes must be more than 0/,
    );
    expect(readReputationUpdateMinutes(new ConfigReader({}))).toBe(1);
  });
});
