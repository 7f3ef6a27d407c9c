import { mentoringCredits, RoleSpan } from './mentoring';

const ADA = 'user:default/ada';
const BO = 'user:default/bo';
const CY = 'user:default/cy';
const t = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 10, 0) + minutes * 60_000).toISOString();
const span = (role: RoleSpan['role'], userRef: string, from: number, to?: number): RoleSpan => ({
  role,
  userRef,
  from: t(from),
  ...(to === undefined ? {} : { to: t(to) }),
});
const IC = 'incident-commander';
const TL = 'technical-lead';

describe('mentoringCredits', () => {
  it.each<[string, RoleSpan[], RoleSpan[], number | undefined, Array<[string, string, string, number, number]>]>([
    ['shadow released after 30 min: the holder mentored them', [span(IC, ADA, 0)], [span(IC, BO, 10, 40)], undefined, [[ADA, BO, IC, 30, 40]]],
    ['both still there, incident open: nothing yet', [span(IC, ADA, 0)], [span(IC, BO, 10)], undefined, []],
    ['both still there, incident resolved: counted to the resolution', [span(IC, ADA, 0)], [span(IC, BO, 10)], 70, [[ADA, BO, IC, 60, 70]]],
    ['under the minimum (14 of 15 min): nothing', [span(IC, ADA, 0)], [span(IC, BO, 0, 14)], undefined, []],
    ['exactly the minimum: counted', [span(IC, ADA, 0)], [span(IC, BO, 0, 15)], undefined, [[ADA, BO, IC, 15, 15]]],
    ['a different role is not mentoring', [span(TL, ADA, 0, 60)], [span(IC, BO, 0, 60)], undefined, []],
    ['no overlap: holder left before the shadow came', [span(IC, ADA, 0, 10)], [span(IC, BO, 20, 60)], undefined, []],
    ['shadowing oneself is nothing', [span(IC, ADA, 0, 60)], [span(IC, ADA, 0, 60)], undefined, []],
    [
      'hand-over: each holder mentors for their own stretch',
      [span(IC, ADA, 0, 30), span(IC, CY, 30)],
      [span(IC, BO, 0, 60)],
      undefined,
      [
        [ADA, BO, IC, 30, 30],
        [CY, BO, IC, 30, 60],
      ],
    ],
    [
      'two short stretches with the same mentor add up',
      [span(IC, ADA, 0, 10), span(IC, CY, 10, 20), span(IC, ADA, 20, 30)],
      [span(IC, BO, 0, 30)],
      undefined,
      [[ADA, BO, IC, 20, 30]],
    ],
    [
      'stretches in two roles add up; the longer names the role',
      [span(IC, ADA, 0, 60), span(TL, ADA, 0, 60)],
      [span(IC, BO, 0, 5), span(TL, BO, 10, 30)],
      undefined,
      [[ADA, BO, TL, 25, 30]],
    ],
    ['the holder released first ends the stretch', [span(IC, ADA, 0, 20)], [span(IC, BO, 0)], undefined, [[ADA, BO, IC, 20, 20]]],
    ['a resolution before the releases ends it', [span(IC, ADA, 0, 90)], [span(IC, BO, 0, 90)], 45, [[ADA, BO, IC, 45, 45]]],
    [
      'two shadows of one holder, sorted by mentee',
      [span(IC, ADA, 0)],
      [span(IC, CY, 0, 20), span(IC, BO, 0, 25)],
      undefined,
      [
        [ADA, BO, IC, 25, 25],
        [ADA, CY, IC, 20, 20],
      ],
    ],
  ])('%s', (_name, holders, shadows, resolvedAt, expected) => {
    const credits = mentoringCredits(holders, shadows, resolvedAt === undefined ? undefined : t(resolvedAt), 15);
    expect(credits).toEqual(
      expected.map(([mentorRef, menteeRef, role, minutes, endedAt]) => ({ mentorRef, menteeRef, role, minutes, endedAt: t(endedAt) })),
    );
  });

  it('takes the minimum from its argument', () => {
    expect(mentoringCredits([span(IC, ADA, 0)], [span(IC, BO, 0, 5)], undefined, 5)).toHaveLength(1);
    expect(mentoringCredits([span(IC, ADA, 0)], [span(IC, BO, 0, 5)], undefined, 6)).toHaveLength(0);
  });

  it('names the span of a timestamp it cannot read', () => {
    expect(() => mentoringCredits([span(IC, ADA, 0)], [{ role: IC, userRef: BO, from: 'yesterday' }], undefined, 15)).toThrow(
      /shadows\[0\]\.from/,
    );
  });
});
