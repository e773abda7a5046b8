/**
 * Many shared holders or one exclusive holder. Ordinary DynamoDB traffic holds
 * it shared; a transaction holds it exclusively so nobody sees or changes its
 * items half-way. Waiting exclusive holders block new shared ones, so a
 * transaction is never starved by a steady stream of writes.
 */
export class RwLock {
  private shared = 0;
  private exclusive = false;
  private readonly queue: { exclusive: boolean; grant: () => void }[] = [];

  acquireShared(): Promise<() => void> {
    if (!this.exclusive && this.queue.length === 0) {
      this.shared++;
      return Promise.resolve(this.releaser(false));
    }
    return new Promise((resolve) => this.queue.push({ exclusive: false, grant: () => resolve(this.releaser(false)) }));
  }

  acquireExclusive(): Promise<() => void> {
    if (!this.exclusive && this.shared === 0 && this.queue.length === 0) {
      this.exclusive = true;
      return Promise.resolve(this.releaser(true));
    }
    return new Promise((resolve) => this.queue.push({ exclusive: true, grant: () => resolve(this.releaser(true)) }));
  }

  async withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquireExclusive();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async withShared<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquireShared();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(exclusive: boolean): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.exclusive) {
      const next = this.queue[0]!;
      if (next.exclusive) {
        if (this.shared > 0) return;
        this.queue.shift();
        this.exclusive = true;
        next.grant();
        return;
      }
      this.queue.shift();
      this.shared++;
      next.grant();
    }
  }
}
