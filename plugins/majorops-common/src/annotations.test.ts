import {
  ANNOTATION_INCIDENT_TYPES,
  ANNOTATION_OPSGENIE_TEAM,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_TECH,
  ANNOTATION_TIER,
  parseAnnotationList,
  readAnnotationList,
} from './annotations';

describe('parseAnnotationList', () => {
  it.each<[string | undefined, string[]]>([
    ['postgres, kafka ,,', ['postgres', 'kafka']],
    ['postgres', ['postgres']],
    ['Postgres,KAFKA', ['postgres', 'kafka']],
    ['kafka,Kafka, KAFKA ', ['kafka']],
    ['redis,postgres,redis', ['redis', 'postgres']],
    ['  spaced value  ', ['spaced value']],
    ['\tdatabase\n, queue', ['database', 'queue']],
    [',,,', []],
    [' , , ', []],
    ['', []],
    [undefined, []],
  ])('%p -> %p', (value, expected) => {
    expect(parseAnnotationList(value)).toEqual(expected);
  });
});

describe('readAnnotationList', () => {
  const annotations = {
    [ANNOTATION_TECH]: 'Postgres, kafka,,postgres',
    [ANNOTATION_INCIDENT_TYPES]: '',
  };

  it.each<[Record<string, string> | undefined, string, string[]]>([
    [annotations, ANNOTATION_TECH, ['postgres', 'kafka']],
    [annotations, ANNOTATION_INCIDENT_TYPES, []],
    [annotations, ANNOTATION_TIER, []],
    [{}, ANNOTATION_TECH, []],
    [undefined, ANNOTATION_TECH, []],
  ])('reads %p[%s] as %p', (map, key, expected) => {
    expect(readAnnotationList(map, key)).toEqual(expected);
  });
});

describe('annotation keys', () => {
  it('are all under majorops.dev/ and distinct', () => {
    const keys = [
      ANNOTATION_INCIDENT_TYPES,
      ANNOTATION_TECH,
      ANNOTATION_PAGERDUTY_SERVICE_ID,
      ANNOTATION_OPSGENIE_TEAM,
      ANNOTATION_SLO_AVAILABILITY,
      ANNOTATION_TIER,
    ];
    for (const key of keys) expect(key).toMatch(/^majorops\.dev\/[a-z-]+$/);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
