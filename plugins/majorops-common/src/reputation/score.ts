import { parseIsoTimestamp } from '../escalation';
import { DEFAULT_REPUTATION_CONFIG, ScoreConfig } from './config';
import {
  clampMetricValue,
  compareLedgerEvents,
  LedgerEvent,
  METRIC_WEIGHT_CLASSES,
  MetricWeightClass,
  REPUTATION_METRIC_TITLES,
  REPUTATION_METRICS,
  ReputationMetric,
} from './ledger';

/**
 * How the ledger becomes a score, in plain words:
 *
 * 1. Each event counts with a weight: the incident's severity (SEV1 4, SEV2 3,
 *    SEV3 2, SEV4 1; 1 without an incident), times the event's own weight,
 *    times a recency factor that halves every 90 days. A pattern of recent
 *    incidents counts; one old bad incident fades.
 * 2. Response-speed events inside a flagged burnout period count only half
 *    of their shortfall from 100: a tired responder is not punished in full.
 * 3. One incident carries at most 25% of a metric's total weight (the neutral
 *    evidence of step 4 included), so no single incident — good or bad — makes a
 *    reputation. This is also the guard against hero culture.
 * 4. Every metric starts from 3 weight of neutral evidence at 50, so someone
 *    with few incidents sits near 50 and moves away from it as evidence grows.
 * 5. Events of externally caused incidents are only used when they are above
 *    the metric's value without them: they can raise a score, never lower it.
 * 6. The score is the weighted average of the six metrics (High 3, Medium 2),
 *    times 10: 0–1000.
 *
 * All numbers are in `ScoreConfig`. Nothing reads the clock: `now` is given.
 */

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Differences in a metric value smaller than this are rounding, not a change (values run 0–100). */
const TIE_TOLERANCE = 1e-9;

/** A stretch of time in which the person's workload was flagged (see `computeWorkload`). */
export interface BurnoutPeriod {
  /** When given, the period applies only to this person. */
  userRef?: string;
  from: string;
  /** Exclusive end. */
  to: string;
}

/** One event as it counted in a metric. */
export interface EventContribution {
  event: LedgerEvent;
  /** The value used: the event's value, or the damped value inside a burnout period. */
  value: number;
  /** Weight after severity, own weight, recency and the incident cap. */
  effectiveWeight: number;
  /** Share of the metric's total weight (neutral evidence included), 0–1. */
  share: number;
  /** What changed this event's weight or value, in words. */
  notes: string[];
}

export interface MetricResult {
  metric: ReputationMetric;
  title: string;
  weightClass: MetricWeightClass;
  /** 0–100, one decimal. */
  value: number;
  /** Events that counted (external events left out are not counted). */
  eventCount: number;
  explanation: string;
  /** The events that weigh most, heaviest first. */
  contributions: EventContribution[];
}

export interface TrendPoint {
  /** `YYYY-MM`, UTC. */
  month: string;
  /** The moment the score was computed at: the last millisecond of the month, or `now` for the current one. */
  asOf: string;
  score: number;
}

export interface ReputationResult {
  /** 0–1000, whole number. */
  score: number;
  asOf: string;
  explanation: string;
  metrics: Record<ReputationMetric, MetricResult>;
  /** Oldest first, the current month last. */
  trend: TrendPoint[];
}

interface Item {
  event: LedgerEvent;
  value: number;
  weight: number;
  notes: string[];
  group?: string;
}

interface Combined {
  value: number;
  items: Item[];
  weights: number[];
  totalWeight: number;
  cappedIncidents: string[];
}

/**
 * The most weight any one incident may carry, found by water-filling: the
 * largest incidents are cut to X where X = share × (prior + everything after
 * cutting). Incidents at or under X are untouched.
 */
function incidentCap(groupWeights: number[], otherWeight: number, share: number): number {
  if (share >= 1) return Infinity;
  const sorted = [...groupWeights].sort((a, b) => b - a);
  let rest = sorted.reduce((s, w) => s + w, 0);
  for (let j = 0; j <= sorted.length && share * j < 1; j++) {
    if (j > 0) rest -= sorted[j - 1];
    const x = (share * (otherWeight + rest)) / (1 - share * j);
    const upperOk = j === 0 || sorted[j - 1] >= x;
    const lowerOk = j === sorted.length || sorted[j] <= x;
    if (upperOk && lowerOk) return x;
  }
  return Infinity;
}

function combine(items: Item[], config: ScoreConfig): Combined {
  const groups = new Map<string, number>();
  let other = config.priorStrength;
  for (const item of items) {
    if (item.group === undefined) other += item.weight;
    else groups.set(item.group, (groups.get(item.group) ?? 0) + item.weight);
  }
  const cap = incidentCap([...groups.values()], other, config.incidentCapShare);
  const cappedIncidents = [...groups.entries()].filter(([, w]) => w > cap + 1e-12).map(([id]) => id);
  const weights = items.map(item => {
    if (item.group === undefined) return item.weight;
    const groupWeight = groups.get(item.group)!;
    return groupWeight > cap ? (item.weight * cap) / groupWeight : item.weight;
  });
  const totalWeight = weights.reduce((s, w) => s + w, 0) + config.priorStrength;
  const sum = items.reduce((s, item, i) => s + weights[i] * item.value, 0) + config.priorStrength * config.neutralValue;
  // With no evidence and no neutral weight there is nothing to average: the metric is neutral.
  return { value: totalWeight > 0 ? sum / totalWeight : config.neutralValue, items, weights, totalWeight, cappedIncidents };
}

/** An incident's evidence in a metric: its total weight and weighted value. */
interface GroupEntry {
  id: string;
  weight: number;
  sum: number;
}

/**
 * `incidentCap` on the heaviest incidents only: `top` holds the largest
 * group weights in descending order — at least as many as can ever be cut
 * (fewer than 1 / share, plus one) — `total` all group weights, `count` the
 * number of groups.
 */
function capFromTop(top: number[], total: number, count: number, otherWeight: number, share: number): number {
  if (share >= 1) return Infinity;
  let rest = total;
  for (let j = 0; j <= count && share * j < 1; j++) {
    if (j > 0) rest -= top[j - 1];
    const x = (share * (otherWeight + rest)) / (1 - share * j);
    const upperOk = j === 0 || top[j - 1] >= x;
    const lowerOk = j === count || top[j] <= x;
    if (upperOk && lowerOk) return x;
  }
  return Infinity;
}

/**
 * The value `combine` would give, kept as running sums with the incidents
 * ordered by weight, so that trying one more event costs a look at the few
 * heaviest incidents (the only ones the cap can cut), not a pass over every
 * event or incident.
 */
class RunningCombination {
  private readonly groups = new Map<string, GroupEntry>();
  /** Every group, heaviest first. */
  private readonly ordered: GroupEntry[] = [];
  private groupWeight = 0;
  private groupSum = 0;
  private otherWeight: number;
  private otherSum: number;
  /** How many of the heaviest groups `capFromTop` may need. */
  private readonly topSize: number;

  constructor(
    items: Item[],
    private readonly config: ScoreConfig,
  ) {
    this.otherWeight = config.priorStrength;
    this.otherSum = config.priorStrength * config.neutralValue;
    this.topSize = config.incidentCapShare > 0 ? Math.ceil(1 / config.incidentCapShare) + 1 : Infinity;
    for (const item of items) this.add(item);
  }

  private place(entry: GroupEntry): void {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ordered[mid].weight >= entry.weight) lo = mid + 1;
      else hi = mid;
    }
    this.ordered.splice(lo, 0, entry);
  }

  add(item: Item): void {
    if (item.group === undefined) {
      this.otherWeight += item.weight;
      this.otherSum += item.weight * item.value;
      return;
    }
    this.groupWeight += item.weight;
    this.groupSum += item.weight * item.value;
    const known = this.groups.get(item.group);
    if (known) {
      this.ordered.splice(this.ordered.indexOf(known), 1);
      known.weight += item.weight;
      known.sum += item.weight * item.value;
      this.place(known);
    } else {
      const entry = { id: item.group, weight: item.weight, sum: item.weight * item.value };
      this.groups.set(item.group, entry);
      this.place(entry);
    }
  }

  /** The combined value if `item` were added. */
  valueWith(item: Item): number {
    let otherWeight = this.otherWeight;
    let otherSum = this.otherSum;
    let groupWeight = this.groupWeight;
    let groupSum = this.groupSum;
    let count = this.ordered.length;
    let top: GroupEntry[];
    if (item.group === undefined) {
      otherWeight += item.weight;
      otherSum += item.weight * item.value;
      top = this.ordered.slice(0, this.topSize + 1);
    } else {
      const known = this.groups.get(item.group);
      const changed = { id: item.group, weight: (known?.weight ?? 0) + item.weight, sum: (known?.sum ?? 0) + item.weight * item.value };
      groupWeight += item.weight;
      groupSum += item.weight * item.value;
      if (!known) count++;
      top = this.ordered.slice(0, this.topSize + 2).filter(e => e.id !== item.group);
      let at = 0;
      while (at < top.length && top[at].weight >= changed.weight) at++;
      top.splice(at, 0, changed);
      top.length = Math.min(top.length, this.topSize + 1);
    }
    const cap = capFromTop(
      top.map(e => e.weight),
      groupWeight,
      count,
      otherWeight,
      this.config.incidentCapShare,
    );
    let capped = 0;
    let cappedWeight = 0;
    let cappedSum = 0;
    let cutSum = 0;
    for (const entry of top) {
      if (!(entry.weight > cap)) break;
      capped++;
      cappedWeight += entry.weight;
      cappedSum += entry.sum;
      cutSum += (entry.sum * cap) / entry.weight;
    }
    // When every incident is cut, nothing is left uncut: exactly 0, not the rounding left by a subtraction.
    const uncutWeight = capped === count ? 0 : groupWeight - cappedWeight;
    const uncutSum = capped === count ? 0 : groupSum - cappedSum;
    const total = otherWeight + uncutWeight + (capped > 0 ? capped * cap : 0);
    const sum = otherSum + uncutSum + cutSum;
    return total > 0 ? sum / total : this.config.neutralValue;
  }
}

function inPeriod(ms: number, periods: Array<{ from: number; to: number }>): boolean {
  return periods.some(p => ms >= p.from && ms < p.to);
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function computeMetric(
  metric: ReputationMetric,
  events: LedgerEvent[],
  asOf: number,
  config: ScoreConfig,
  burnout: Array<{ from: number; to: number }>,
  full = true,
): MetricResult {
  const items: Item[] = [];
  for (const event of events) {
    if (event.metric !== metric) continue;
    const at = Date.parse(event.occurredAt);
    if (at > asOf) continue;
    const notes: string[] = [];
    let value = clampMetricValue(event.value);
    if (metric === 'responseSpeed' && value < 100 && inPeriod(at, burnout)) {
      const damped = clampMetricValue(100 - (100 - value) * config.burnoutPenaltyFactor);
      notes.push(`inside a flagged burnout period: the shortfall counts ×${config.burnoutPenaltyFactor} (${value} → ${damped})`);
      value = damped;
    }
    const base = event.severity ? config.severityWeights[event.severity] : config.nonIncidentWeight;
    const ageDays = Math.max(0, (asOf - at) / MS_PER_DAY);
    const recency = Math.pow(0.5, ageDays / config.halfLifeDays);
    const weight = base * (event.weight ?? 1) * recency;
    if (!(weight > 0)) continue;
    if (event.externalCause) notes.push('external cause: used because it raises the metric');
    items.push({ event, value, weight, notes, group: event.incidentId });
  }

  const internal = items.filter(i => !i.event.externalCause);
  const external = items
    .filter(i => i.event.externalCause)
    .sort((a, b) => b.value - a.value || compareLedgerEvents(a.event, b.event));
  const baseline = combine(internal, config);
  // The greedy pass over externally caused events asks "would adding this one
  // raise the value?" once per candidate; the running sums answer it without
  // recombining every event each time. The result is combined once at the end.
  const running = new RunningCombination(internal, config);
  let included = internal;
  let currentValue = baseline.value;
  let leftOut = 0;
  for (const candidate of external) {
    if (candidate.value > currentValue) {
      const nextValue = running.valueWith(candidate);
      // Not lower, up to rounding: an event that leaves the value unchanged (e.g. in an incident already capped) is kept.
      if (nextValue >= currentValue - TIE_TOLERANCE) {
        running.add(candidate);
        included = included === internal ? [...internal, candidate] : (included.push(candidate), included);
        currentValue = nextValue;
        continue;
      }
    }
    leftOut++;
  }
  let current = included === internal ? baseline : combine(included, config);
  if (current.value < baseline.value - TIE_TOLERANCE) {
    leftOut += included.length - internal.length;
    current = baseline;
  }

  const value = clampMetricValue(current.value);
  const title = REPUTATION_METRIC_TITLES[metric];
  if (!full) {
    // Only the value is read (the points of the trend): no explanation to build.
    return { metric, title, weightClass: METRIC_WEIGHT_CLASSES[metric], value, eventCount: current.items.length, explanation: '', contributions: [] };
  }
  const contributions = current.items
    .map((item, i) => {
      const notes = [...item.notes];
      if (item.group !== undefined && current.cappedIncidents.includes(item.group)) {
        notes.push(`incident ${item.group} capped at ${Math.round(config.incidentCapShare * 100)}% of the metric's weight`);
      }
      return { event: item.event, value: item.value, effectiveWeight: current.weights[i], share: current.weights[i] / current.totalWeight, notes };
    })
    .sort((a, b) => b.effectiveWeight - a.effectiveWeight || compareLedgerEvents(a.event, b.event));

  const parts: string[] = [];
  const count = current.items.length;
  if (count === 0) {
    parts.push(`${title}: no events yet, so it sits at the neutral ${fmt(config.neutralValue)}.`);
  } else {
    const evidence = current.totalWeight - config.priorStrength;
    parts.push(
      `${title}: ${fmt(value)} from ${count} event${count === 1 ? '' : 's'} (weight ${fmt(evidence)} after severity and a ${config.halfLifeDays}-day half-life), ` +
        `pulled toward the neutral ${fmt(config.neutralValue)} by ${fmt(config.priorStrength)} weight of neutral evidence.`,
    );
  }
  const damped = current.items.filter(i => i.notes.some(n => n.startsWith('inside a flagged burnout'))).length;
  if (damped > 0) parts.push(`${damped} event${damped === 1 ? ' was' : 's were'} inside a flagged burnout period, so only ${Math.round(config.burnoutPenaltyFactor * 100)}% of the shortfall counted.`);
  if (current.cappedIncidents.length > 0) {
    parts.push(`${current.cappedIncidents.length} incident${current.cappedIncidents.length === 1 ? ' was' : 's were'} capped at ${Math.round(config.incidentCapShare * 100)}% of the weight, so no single incident decides it.`);
  }
  if (leftOut > 0) parts.push(`${leftOut} event${leftOut === 1 ? '' : 's'} of externally caused incidents left out because they would have lowered it.`);

  return {
    metric,
    title,
    weightClass: METRIC_WEIGHT_CLASSES[metric],
    value,
    eventCount: count,
    explanation: parts.join(' '),
    contributions: contributions.slice(0, config.topContributions),
  };
}

function scoreOf(metrics: Record<ReputationMetric, MetricResult>, config: ScoreConfig): number {
  let sum = 0;
  let weights = 0;
  for (const metric of REPUTATION_METRICS) {
    const w = config.metricClassWeights[METRIC_WEIGHT_CLASSES[metric]];
    sum += w * metrics[metric].value;
    weights += w;
  }
  return weights === 0 ? Math.round(config.neutralValue * 10) : Math.round((sum / weights) * 10);
}

function metricsAt(events: LedgerEvent[], asOf: number, config: ScoreConfig, burnout: Array<{ from: number; to: number }>, full = true) {
  const metrics = {} as Record<ReputationMetric, MetricResult>;
  for (const metric of REPUTATION_METRICS) metrics[metric] = computeMetric(metric, events, asOf, config, burnout, full);
  return metrics;
}

/**
 * The reputation of one person from their ledger at `now`: the score, each
 * metric with its explanation and heaviest events, and the trend — the score
 * at the end of each of the last 6 months (the current month as of `now`),
 * each computed only from the events up to that moment.
 *
 * Events after `now` are ignored. Events must all belong to one person
 * (throws otherwise). The input order does not matter.
 */
export function computeReputation(
  events: LedgerEvent[],
  now: string,
  config: ScoreConfig = DEFAULT_REPUTATION_CONFIG.score,
  burnoutPeriods: BurnoutPeriod[] = [],
): ReputationResult {
  const nowMs = parseIsoTimestamp(now, 'now');
  const people = new Set(events.map(e => e.userRef));
  if (people.size > 1) throw new Error(`computeReputation takes the events of one person, got ${[...people].sort().join(', ')}`);
  const userRef = [...people][0];
  const at = new Map<LedgerEvent, number>();
  events.forEach((e, i) => at.set(e, parseIsoTimestamp(e.occurredAt, `events[${i}].occurredAt`)));
  // The canonical order (compareLedgerEvents) with each time parsed once.
  const sorted = [...events].sort((a, b) => at.get(a)! - at.get(b)! || compareLedgerEvents(a, b));
  const burnout = burnoutPeriods
    .filter(p => p.userRef === undefined || userRef === undefined || p.userRef === userRef)
    .map((p, i) => ({ from: parseIsoTimestamp(p.from, `burnoutPeriods[${i}].from`), to: parseIsoTimestamp(p.to, `burnoutPeriods[${i}].to`) }));

  const metrics = metricsAt(sorted, nowMs, config, burnout);
  const score = scoreOf(metrics, config);

  const trend: TrendPoint[] = [];
  const d = new Date(nowMs);
  for (let back = config.trendMonths - 1; back >= 0; back--) {
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() - back;
    const start = new Date(Date.UTC(year, month, 1));
    const asOf = back === 0 ? nowMs : Date.UTC(year, month + 1, 1) - 1;
    trend.push({
      month: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`,
      asOf: new Date(asOf).toISOString(),
      score: back === 0 ? score : scoreOf(metricsAt(sorted, asOf, config, burnout, false), config),
    });
  }

  const { High, Medium } = config.metricClassWeights;
  return {
    score,
    asOf: new Date(nowMs).toISOString(),
    explanation:
      `${score} of 1000: the average of the six metrics weighted High ×${High} (response speed, resolution quality, peer feedback) ` +
      `and Medium ×${Medium} (communication, knowledge contribution, escalation), times 10.`,
    metrics,
    trend,
  };
}
