/**
 * The name among `candidates` that `name` was most likely meant to be, for "did you mean"
 * hints in config errors; undefined when none is close. Letter case does not count
 * (`maxChunksize` is `maxChunkSize`), and "close" grows with the name: one edit for short
 * names, up to three for long ones, so that unrelated names are never suggested;
 * `maxDistance` lowers that bound.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  maxDistance = 3,
): string | undefined {
  const wanted = name.toLowerCase();
  const allowed = Math.min(maxDistance, Math.max(1, Math.floor(wanted.length / 4)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`: the
 * optimal-string-alignment distance, since swapped letters are the commonest typo.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Three rows of the dynamic-programming table are all a swap needs.
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(replace, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      }
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] as number;
}
