import { describe, expect, it } from '@jest/globals';
import { clusterMoment, elapsedBetween, elapsedText, fitsWindow, watchMoment } from '../../harness/engine/scenario/moments.js';

describe('moments', () => {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');

  it('a watch moment is exact', () => {
    expect(elapsedBetween(watchMoment(1_000), watchMoment(11_500))).toEqual({ lo: 10.5, hi: 10.5 });
  });

  it('a cluster timestamp covers the whole second it was truncated to', () => {
    const from = clusterMoment(t0 + 5_000, t0); // [5 s, 6 s)
    const to = clusterMoment(t0 + 15_000, t0); // [15 s, 16 s)
    expect(elapsedBetween(from, to)).toEqual({ lo: 9, hi: 11 });
    expect(elapsedText(elapsedBetween(from, to))).toBe('10.0s (±1.0s)');
  });

  it('a window is met when the interval can lie in it, and missed when it cannot', () => {
    expect(fitsWindow({ lo: 11.5, hi: 12.5 }, 8, 12)).toBe(true);
    expect(fitsWindow({ lo: 12.1, hi: 13 }, 8, 12)).toBe(false);
    expect(fitsWindow({ lo: 6, hi: 7.9 }, 8, 12)).toBe(false);
  });
});
