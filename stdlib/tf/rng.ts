/**
 * A small seeded PRNG (SplitMix32-style) whose whole state is one integer, so
 * checkpoints can store it and a resumed run draws the same numbers.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Derive an independent stream for a named purpose. */
  static derive(seed: number, purpose: string): Rng {
    let h = (seed >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < purpose.length; i++) {
      h = Math.imul(h ^ purpose.charCodeAt(i), 0x85ebca6b);
      h ^= h >>> 13;
    }
    return new Rng(h >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller, one value per two draws). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
