/** Every timer the emulator sets, so that close() leaves no open handle behind. */
export class Timers {
  private readonly active = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.active.delete(timer);
      run();
    }, ms);
    this.active.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.active.delete(timer);
  }

  /** Resolves after `ms`; never resolves if the emulator closes first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  clearAll(): void {
    for (const timer of this.active) clearTimeout(timer);
    this.active.clear();
  }
}
