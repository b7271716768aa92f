// Small helpers the bench sections share.

/** The median of a list of numbers. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A ratio as `1.23×`. */
export const x = (ratio) => `${ratio.toFixed(2)}×`;
