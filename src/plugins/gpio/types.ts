// types.ts: the GPIO line abstraction plugins drive (an output for a relay, an input for feedback); simulated or
// libgpiod.
/**
 * Where a line lives: 'simulated' (in memory, per worker) or 'gpiod' (libgpiod's gpioset/gpioget on /dev/gpiochipN).
 */
export interface GpioLineOptions {
  kind: 'simulated' | 'gpiod';
  /** Chip name or path ('gpiochip0', '/dev/gpiochip0'); for 'simulated' any name. */
  chip: string;
  line: number;
  /** Logical true drives the line low (and reads low as true). */
  activeLow?: boolean;
  /**
   * 'gpiod' outputs: 'hold' (default) keeps a gpioset process holding the line at its value (the line state after a
   * release is undefined in libgpiod; gpio-sim and some drivers reset it); 'exit' sets and releases.
   */
  mode?: 'hold' | 'exit';
  /** Executables for 'gpiod' (defaults 'gpioset' / 'gpioget'). */
  setCommand?: string;
  getCommand?: string;
}

/** An output line: `set(true)` drives it active. */
export interface GpioOutput {
  set(value: boolean): Promise<void>;
  /** The last value set (undefined before the first set). */
  readonly value: boolean | undefined;
  close(): Promise<void>;
}

/** An input line, read on demand. */
export interface GpioInput {
  read(): Promise<boolean>;
  close(): Promise<void>;
}
