import { SEVERITIES, type Severity } from '@majorops/plugin-majorops-common';

export const SEVERITY_COLOURS: Record<Severity, string> = {
  SEV1: '#b71c1c',
  SEV2: '#e65100',
  SEV3: '#f9a825',
  SEV4: '#546e7a',
};

const WIDTH = 480;
const HEIGHT = 160;
const PAD = { top: 10, right: 10, bottom: 24, left: 34 };

function shortMonth(month: string) {
  const [year, m] = month.split('-');
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1]} ${year.slice(2)}`;
}

/** Incidents per month, stacked by severity. */
export function MonthlySeverityChart(props: {
  months: Array<{ month: string; bySeverity: Record<Severity, number>; count: number }>;
}) {
  const max = Math.max(1, ...props.months.map(m => m.count));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const band = innerW / Math.max(1, props.months.length);
  const label = props.months.map(m => `${m.month}: ${m.count}`).join(', ');
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`Incidents per month by severity: ${label}`}>
      <text x={4} y={PAD.top + 8} fontSize={10} fill="currentColor">
        {max}
      </text>
      <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} stroke="#999" />
      {props.months.map((m, i) => {
        let y = HEIGHT - PAD.bottom;
        return (
          <g key={m.month}>
            {SEVERITIES.map(sev => {
              const h = (m.bySeverity[sev] / max) * innerH;
              y -= h;
              return h > 0 ? (
                <rect key={sev} x={PAD.left + i * band + band * 0.15} y={y} width={band * 0.7} height={h} fill={SEVERITY_COLOURS[sev]}>
                  <title>{`${m.month} ${sev}: ${m.bySeverity[sev]}`}</title>
                </rect>
              ) : null;
            })}
            <text x={PAD.left + i * band + band / 2} y={HEIGHT - 8} fontSize={9} textAnchor="middle" fill="currentColor">
              {shortMonth(m.month)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Median time to resolve per month, as a line; months without resolved incidents leave a gap. */
export function MttrTrendChart(props: { months: Array<{ month: string; mttrResolveMedianMinutes?: number }> }) {
  const values = props.months.map(m => m.mttrResolveMedianMinutes);
  const max = Math.max(1, ...values.filter((v): v is number => v !== undefined));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = props.months.length > 1 ? innerW / (props.months.length - 1) : 0;
  const point = (v: number, i: number) => [PAD.left + i * step, HEIGHT - PAD.bottom - (v / max) * innerH] as const;
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === undefined) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    const [x, y] = point(v, i);
    current += `${current ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
  });
  if (current) segments.push(current);
  const label = props.months
    .map(m => `${m.month}: ${m.mttrResolveMedianMinutes === undefined ? 'none' : `${Math.round(m.mttrResolveMedianMinutes)} min`}`)
    .join(', ');
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`Median time to resolve per month: ${label}`}>
      <text x={4} y={PAD.top + 8} fontSize={10} fill="currentColor">
        {Math.round(max)}m
      </text>
      <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} stroke="#999" />
      {segments.map((d, i) => (
        <path key={i} d={d} fill="none" stroke="#1565c0" strokeWidth={2} />
      ))}
      {values.map((v, i) =>
        v === undefined ? null : (
          <circle key={i} cx={point(v, i)[0]} cy={point(v, i)[1]} r={3} fill="#1565c0">
            <title>{`${props.months[i].month}: ${Math.round(v)} min`}</title>
          </circle>
        ),
      )}
      {props.months.map((m, i) => (
        <text key={m.month} x={PAD.left + i * step} y={HEIGHT - 8} fontSize={9} textAnchor="middle" fill="currentColor">
          {shortMonth(m.month)}
        </text>
      ))}
    </svg>
  );
}
