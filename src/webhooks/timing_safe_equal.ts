/**
 * Comparison of secrets in time that does not depend on where they differ.
 *
 * @module
 */

/**
 * Whether `a` and `b` hold the same bytes. Every byte of both is read whatever
 * the first difference, so the time taken says nothing about where they
 * differ; only the lengths (public: a SHA-256 digest is always 32 bytes) may
 * end it early.
 */
export function timingSafeEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
