/**
 * A cli-progress bar on stderr for long commands (seed, import). Off when stderr is not a terminal (tests, pipes),
 * so logs stay clean; the commands print their summary either way.
 */
import cliProgress from 'cli-progress';

/** The few calls the commands make. */
export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/** A bar counting to `total` with `unit` shown, or a no-op when stderr is not a TTY. */
export function progressBar(total: number, unit: string, extra = ''): Progress {
  if (!process.stderr.isTTY) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left${extra}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (value, payload) => {
      bar.update(value, payload);
    },
    stop: () => {
      bar.stop();
    },
  };
}
