/**
 * Resources a stage kind declares (`resources: { cpu, gpu, memoryMb }`),
 * shared by the instances running at one time. Requests are served first
 * come, first served and all at once, so a large request is not starved by
 * small ones and no instance holds part of what it needs while it waits.
 */
import { totalmem } from 'node:os';
import type { StageKind } from '../stdlib/types.js';

export interface Resources {
  cpu: number;
  gpu: number;
  memoryMb: number;
}

interface Waiter {
  need: Resources;
  grant: () => void;
}

export class ResourcePool {
  private readonly free: Resources;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly capacity: Resources) {
    this.free = { ...capacity };
  }

  /**
   * Capacity for `jobs` slots, one GPU, and 80 % of this machine's memory.
   * The GPU count is not detected: a machine with several GPUs still runs
   * GPU stages one at a time, because TensorFlow.js binds one device per
   * process and nothing yet assigns devices to workers.
   */
  static forMachine(jobs: number): ResourcePool {
    return new ResourcePool({
      cpu: jobs,
      gpu: 1,
      memoryMb: Math.floor((totalmem() / 2 ** 20) * 0.8),
    });
  }

  /** What one instance of a kind takes; requests larger than the whole pool are capped. */
  needOf(kind: StageKind): Resources {
    const r = kind.resources ?? {};
    return {
      cpu: Math.min(Math.max(1, r.cpu ?? 1), this.capacity.cpu),
      gpu: Math.min(r.gpu ?? 0, this.capacity.gpu),
      memoryMb: Math.min(r.memoryMb ?? 0, this.capacity.memoryMb),
    };
  }

  async acquire(need: Resources): Promise<() => void> {
    if (this.waiters.length === 0 && this.fits(need)) {
      this.take(need);
    } else {
      await new Promise<void>((grant) => this.waiters.push({ need, grant }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.give(need);
    };
  }

  private fits(need: Resources): boolean {
    const { free } = this;
    return need.cpu <= free.cpu && need.gpu <= free.gpu && need.memoryMb <= free.memoryMb;
  }

  private take(need: Resources): void {
    this.free.cpu -= need.cpu;
    this.free.gpu -= need.gpu;
    this.free.memoryMb -= need.memoryMb;
  }

  private give(need: Resources): void {
    this.free.cpu += need.cpu;
    this.free.gpu += need.gpu;
    this.free.memoryMb += need.memoryMb;
    // Serve waiters in order; stop at the first that does not fit yet.
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.need)) {
      const next = this.waiters.shift()!;
      this.take(next.need);
      next.grant();
    }
  }
}
