export type DiffLineKind = 'same' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** 1-based line number in the old text (same and removed lines). */
  oldNumber?: number;
  /** 1-based line number in the new text (same and added lines). */
  newNumber?: number;
}

/** Above this many cells the LCS table is not built: the changed middle is shown as replaced. */
export const MAX_DIFF_CELLS = 4_000_000;

/** The lines of a text; a trailing newline does not make an extra empty line, and CRLF counts as LF. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A line diff of two texts from their longest common subsequence of lines.
 * Common leading and trailing lines are matched first; where lines differ,
 * removed lines come before added ones. Very large changed regions (more than
 * {@link MAX_DIFF_CELLS} line pairs) are shown as all removed then all added.
 */
export function lineDiff(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  const out: DiffLine[] = [];
  const same = (i: number, j: number) => out.push({ kind: 'same', text: a[i], oldNumber: i + 1, newNumber: j + 1 });
  const removed = (i: number) => out.push({ kind: 'removed', text: a[i], oldNumber: i + 1 });
  const added = (j: number) => out.push({ kind: 'added', text: b[j], newNumber: j + 1 });

  for (let k = 0; k < start; k++) same(k, k);

  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_DIFF_CELLS) {
    for (let i = start; i < endA; i++) removed(i);
    for (let j = start; j < endB; j++) added(j);
  } else {
    // lcs[i * (m + 1) + j]: length of the LCS of a[start + i ..] and b[start + j ..]
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[start + i] === b[start + j]
            ? lcs[(i + 1) * width + j + 1] + 1
            : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[start + i] === b[start + j]) {
        same(start + i++, start + j++);
      } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
        removed(start + i++);
      } else {
        added(start + j++);
      }
    }
    while (i < n) removed(start + i++);
    while (j < m) added(start + j++);
  }

  for (let k = 0; k < a.length - endA; k++) same(endA + k, endB + k);
  return out;
}

/** A run of unchanged lines left out of the view. */
export interface CollapsedLines {
  kind: 'collapsed';
  count: number;
}

/**
 * Keeps `context` unchanged lines around every change and folds longer runs of
 * unchanged lines into one {@link CollapsedLines} marker.
 */
export function collapseUnchanged(diff: DiffLine[], context = 3): Array<DiffLine | CollapsedLines> {
  const keep = diff.map(() => false);
  diff.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - context); k <= Math.min(diff.length - 1, index + context); k++) {
      keep[k] = true;
    }
  });
  const out: Array<DiffLine | CollapsedLines> = [];
  let hidden = 0;
  diff.forEach((line, index) => {
    if (keep[index]) {
      if (hidden) out.push({ kind: 'collapsed', count: hidden });
      hidden = 0;
      out.push(line);
    } else {
      hidden++;
    }
  });
  if (hidden) out.push({ kind: 'collapsed', count: hidden });
  return out;
}
