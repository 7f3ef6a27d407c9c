import type { TrendPoint } from '@majorops/plugin-majorops-common';

const WIDTH = 480;
const HEIGHT = 140;
const PAD = { top: 10, right: 12, bottom: 24, left: 34 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shortMonth(month: string) {
  const [year, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${year.slice(2)}`;
}

/** The score month by month (0–1000), oldest first, as a line. */
export function ScoreTrendChart(props: { trend: TrendPoint[] }) {
  const { trend } = props;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = trend.length > 1 ? innerW / (trend.length - 1) : 0;
  const point = (score: number, i: number) =>
    [PAD.left + (trend.length > 1 ? i * step : innerW / 2), HEIGHT - PAD.bottom - (score / 1000) * innerH] as const;
  const path = trend
    .map((p, i) => {
      const [x, y] = point(p.score, i);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const label = trend.map(p => `${p.month}: ${p.score}`).join(', ');
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`Score per month: ${label}`}>
      {[0, 500, 1000].map(v => (
        <g key={v}>
          <text x={4} y={HEIGHT - PAD.bottom - (v / 1000) * innerH + 3} fontSize={9} fill="currentColor">
            {v}
          </text>
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={HEIGHT - PAD.bottom - (v / 1000) * innerH}
            y2={HEIGHT - PAD.bottom - (v / 1000) * innerH}
            stroke="#ccc"
            strokeDasharray={v === 0 ? undefined : '3 3'}
          />
        </g>
      ))}
      {trend.length > 1 && <path d={path} fill="none" stroke="#1565c0" strokeWidth={2} />}
      {trend.map((p, i) => (
        <g key={p.month}>
          <circle cx={point(p.score, i)[0]} cy={point(p.score, i)[1]} r={3} fill="#1565c0">
            <title>{`${p.month}: ${p.score}`}</title>
          </circle>
          <text x={point(p.score, i)[0]} y={HEIGHT - 8} fontSize={9} textAnchor="middle" fill="currentColor">
            {shortMonth(p.month)}
          </text>
        </g>
      ))}
    </svg>
  );
}
