/**
 * @module The `\n` offsets of a text, collected by the prefilter's pass over it, answering the
 * line questions the engine asks per keyword hit and per match (where does this line start and
 * end) with a binary search instead of a character scan.
 */

export class LineBreaks {
  #offsets = new Int32Array(1024);
  #count = 0;
  /** The previous lookup's answer, where the next one starts. */
  #hint = 0;
  /** Length of the text. */
  readonly length: number;

  constructor(length: number) {
    this.length = length;
  }

  push(offset: number): void {
    if (this.#count === this.#offsets.length) this.#grow(this.#count + 1);
    this.#offsets[this.#count++] = offset;
  }

  /** Appends `count` ascending offsets (all after those already held). */
  append(offsets: Int32Array, count: number): void {
    if (this.#count + count > this.#offsets.length) this.#grow(this.#count + count);
    this.#offsets.set(offsets.subarray(0, count), this.#count);
    this.#count += count;
  }

  /** Last newline at or before `i`, or -1 (`String#lastIndexOf('\n', i)`). */
  before(i: number): number {
    const k = this.#countUpTo(Math.min(Math.max(i, 0), this.length - 1));
    return k === 0 ? -1 : this.#offsets[k - 1]!;
  }

  /** First newline at or after `i`, or -1 (`String#indexOf('\n', i)`). */
  from(i: number): number {
    const k = this.#countUpTo(Math.max(i, 0) - 1);
    return k < this.#count ? this.#offsets[k]! : -1;
  }

  /** The line containing `index` (without its newline). */
  lineAt(text: string, index: number): string {
    const start = this.before(index - 1) + 1;
    const end = this.from(index);
    return text.slice(start, end === -1 ? text.length : end);
  }

  /**
   * Number of newlines at offsets ≤ `i`. Lookups come in runs near each other (hits are sorted,
   * a window asks about neighbouring lines), so the search gallops from the previous answer.
   */
  #countUpTo(i: number): number {
    const o = this.#offsets;
    const n = this.#count;
    let lo: number;
    let hi: number; // the answer lies in [lo, hi]
    const h = Math.min(this.#hint, n);
    if (h === 0 || o[h - 1]! <= i) {
      lo = h;
      let step = 1;
      while (lo + step <= n && o[lo + step - 1]! <= i) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(lo + step - 1, n);
    } else {
      hi = h - 1;
      let step = 1;
      while (hi - step > 0 && o[hi - step - 1]! > i) {
        hi -= step;
        step *= 2;
      }
      lo = Math.max(hi - step, 0);
      hi = Math.min(hi, n);
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid]! <= i) lo = mid + 1;
      else hi = mid;
    }
    this.#hint = lo;
    return lo;
  }

  #grow(min: number): void {
    let size = this.#offsets.length * 2;
    while (size < min) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(this.#offsets.subarray(0, this.#count));
    this.#offsets = bigger;
  }
}
