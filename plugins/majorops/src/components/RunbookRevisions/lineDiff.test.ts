import { collapseUnchanged, DiffLine, lineDiff, MAX_DIFF_CELLS, splitLines } from './lineDiff';

/** A diff as compact strings: "  same", "- removed", "+ added". */
function show(diff: DiffLine[]): string[] {
  return diff.map(l => `${l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-'} ${l.text}`);
}

describe('splitLines', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\n\n', ['a', '']],
    ['a\r\nb\rc', ['a', 'b', 'c']],
    ['\n', ['']],
  ])('%j -> %j', (text, lines) => {
    expect(splitLines(text)).toEqual(lines);
  });
});

describe('lineDiff', () => {
  it.each<[string, string, string, string[]]>([
    ['both empty', '', '', []],
    ['identical', 'a\nb', 'a\nb', ['  a', '  b']],
    ['everything added', '', 'a\nb', ['+ a', '+ b']],
    ['everything removed', 'a\nb', '', ['- a', '- b']],
    ['a line appended', 'a\nb', 'a\nb\nc', ['  a', '  b', '+ c']],
    ['a line prepended', 'b\nc', 'a\nb\nc', ['+ a', '  b', '  c']],
    ['a line removed in the middle', 'a\nb\nc', 'a\nc', ['  a', '- b', '  c']],
    ['a line changed: removal before addition', 'a\nb\nc', 'a\nB\nc', ['  a', '- b', '+ B', '  c']],
    ['trailing newline ignored', 'a\nb\n', 'a\nb', ['  a', '  b']],
    ['CRLF is LF', 'a\r\nb', 'a\nb', ['  a', '  b']],
    ['whitespace matters', 'a ', 'a', ['- a ', '+ a']],
    [
      'moved line: one side kept as common',
      'a\nb\nc\nd',
      'b\nc\nd\na',
      ['- a', '  b', '  c', '  d', '+ a'],
    ],
    [
      'interleaved changes keep the longest common subsequence',
      'x\na\ny\nb\nz',
      'a\nq\nb\nr',
      ['- x', '  a', '- y', '+ q', '  b', '- z', '+ r'],
    ],
    [
      'repeated lines',
      'a\na\na',
      'a\na',
      ['  a', '  a', '- a'],
    ],
    [
      'a section inserted into a runbook',
      '# Runbook\n## Detection\n- alert\n## Diagnosis\n1. check',
      '# Runbook\n## Detection\n- alert\n- symptoms\n## Diagnosis\n1. check',
      ['  # Runbook', '  ## Detection', '  - alert', '+ - symptoms', '  ## Diagnosis', '  1. check'],
    ],
  ])('%s', (_name, oldText, newText, expected) => {
    expect(show(lineDiff(oldText, newText))).toEqual(expected);
  });

  it('numbers lines in the old and new texts', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual([
      { kind: 'same', text: 'a', oldNumber: 1, newNumber: 1 },
      { kind: 'removed', text: 'b', oldNumber: 2 },
      { kind: 'added', text: 'B', newNumber: 2 },
      { kind: 'same', text: 'c', oldNumber: 3, newNumber: 3 },
    ]);
  });

  it('keeps every line of both texts exactly once', () => {
    const oldText = Array.from({ length: 200 }, (_, i) => `line ${i % 17}`).join('\n');
    const newText = Array.from({ length: 180 }, (_, i) => `line ${(i * 7) % 23}`).join('\n');
    const diff = lineDiff(oldText, newText);
    expect(diff.filter(l => l.kind !== 'added').map(l => l.text)).toEqual(splitLines(oldText));
    expect(diff.filter(l => l.kind !== 'removed').map(l => l.text)).toEqual(splitLines(newText));
  });

  it('shows a huge changed region as replaced instead of building a huge table', () => {
    const size = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 1;
    const oldText = ['head', ...Array.from({ length: size }, (_, i) => `old ${i}`), 'tail'].join('\n');
    const newText = ['head', ...Array.from({ length: size }, (_, i) => `new ${i}`), 'tail'].join('\n');
    const diff = lineDiff(oldText, newText);
    expect(diff[0]).toMatchObject({ kind: 'same', text: 'head' });
    expect(diff[diff.length - 1]).toMatchObject({ kind: 'same', text: 'tail', oldNumber: size + 2, newNumber: size + 2 });
    expect(diff.filter(l => l.kind === 'removed')).toHaveLength(size);
    expect(diff.filter(l => l.kind === 'added')).toHaveLength(size);
    expect(diff.findIndex(l => l.kind === 'added')).toBe(size + 1);
  });
});

describe('collapseUnchanged', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}`).join('\n');

  it.each<[string, string, string, number, string[]]>([
    ['no change at all folds everything', lines(5), lines(5), 1, ['… 5']],
    ['keeps context around a change', lines(9), lines(9).replace('l5', 'L5'), 1, ['… 3', '  l4', '- l5', '+ L5', '  l6', '… 3']],
    ['short gaps between changes are kept', 'a\nb\nc\nd', 'A\nb\nc\nD', 1, ['- a', '+ A', '  b', '  c', '- d', '+ D']],
    ['a change at the start', lines(4), lines(4).replace('l1', 'x'), 1, ['- l1', '+ x', '  l2', '… 2']],
  ])('%s', (_name, oldText, newText, context, expected) => {
    const shown = collapseUnchanged(lineDiff(oldText, newText), context).map(l =>
      l.kind === 'collapsed' ? `… ${l.count}` : show([l])[0],
    );
    expect(shown).toEqual(expected);
  });
});
