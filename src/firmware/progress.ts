// progress.ts: download progress for the logs: bytes, percent (when the size is known) and rate, throttled.

export interface ProgressLog {
  info(o: object, msg?: string): void;
}

export interface ProgressFigures {
  bytes: number;
  total?: number;
  percent?: number;
  /** Bytes per second since the transfer (or resume) started. */
  rate: number;
}

/** Reports progress at most every `intervalMs`, and always at the end. */
export class Progress {
  private readonly startedAt: number;
  private readonly startBytes: number;
  private lastAt = -Infinity;
  private total: number | undefined;
  constructor(
    private readonly log: ProgressLog,
    private readonly intervalMs: number,
    private readonly now: () => number,
    startBytes: number,
    private readonly what: string,
  ) {
    this.startedAt = now();
    this.startBytes = startBytes;
  }

  setTotal(total: number | undefined): void {
    if (total !== undefined && Number.isFinite(total) && total > 0) this.total = total;
  }

  figures(bytes: number): ProgressFigures {
    const secs = Math.max(0.001, (this.now() - this.startedAt) / 1000);
    const f: ProgressFigures = { bytes, rate: Math.round((bytes - this.startBytes) / secs) };
    if (this.total !== undefined) {
      f.total = this.total;
      f.percent = Math.min(100, Math.round((bytes / this.total) * 1000) / 10);
    }
    return f;
  }

  update(bytes: number): void {
    const t = this.now();
    if (t - this.lastAt < this.intervalMs) return;
    this.lastAt = t;
    this.log.info({ ...this.figures(bytes), what: this.what }, 'firmware download progress');
  }

  end(bytes: number): ProgressFigures {
    const f = this.figures(bytes);
    this.log.info({ ...f, what: this.what }, 'firmware download complete');
    return f;
  }
}
