/** The allowed word nearest to a typo (edit distance ≤ 3, case-insensitive), for "did you mean". */
export function closest(word: string, options: readonly string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const prev = d[i - 1] as number[];
        row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      }
    }
    return (d[a.length] as number[])[b.length] ?? Infinity;
  };
  let best: string | undefined;
  let bestD = 4;
  for (const o of options) {
    const dd = dist(word, o);
    if (dd < bestD) {
      best = o;
      bestD = dd;
    }
  }
  return best;
}
