/**
 * Work run every few seconds and on demand (specs, an ops call): runs that would overlap share
 * the one under way, and shutdown waits for it. The timer never keeps the process alive.
 */
export class PeriodicJob<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(private readonly work: () => Promise<T>) {}

  /** 0 seconds: only on demand. */
  start(seconds: number): void {
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.run(), seconds * 1000);
    this.timer.unref();
  }

  run(): Promise<T> {
    this.running ??= this.work().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
