import { SingleBar } from 'cli-progress';
import { Recorder } from './metrics';

export interface LiveState {
  recorder: Recorder;
  /** Flows ended so far. */
  flowsDone(): number;
  /** The flows to run (null with --duration: the bar then counts seconds). */
  flowsTotal: number | null;
  durationSeconds: number | null;
}

export interface LiveView {
  /** Called every second with the operations of the interval just closed. */
  update(opsPerSecond: number): void;
  stop(): void;
}

/** Where the view writes: a terminal gets the bar, anything else plain lines. */
export interface LiveOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

const PLAIN_EVERY_SECONDS = 5;

/**
 * The view while the run goes: a progress bar (cli-progress) with flows, ops/s, errors and the
 * p99 so far on a terminal; a plain line every 5 s when the output is not a TTY (CI, a pipe).
 */
export function liveView(
  state: LiveState,
  output: LiveOutput = process.stdout,
  tty = Boolean(output.isTTY),
): LiveView {
  const { recorder } = state;
  const byTime = state.flowsTotal === null;
  const total = state.flowsTotal ?? state.durationSeconds ?? 1;
  const value = (): number =>
    byTime ? Math.min(total, Math.floor(recorder.elapsedSeconds())) : state.flowsDone();
  const flows = (): string =>
    byTime
      ? `flows ${state.flowsDone()} (${Math.floor(recorder.elapsedSeconds())}/${total} s)`
      : `flows ${state.flowsDone()}/${total}`;
  let lastOps = 0;
  if (tty) {
    const bar = new SingleBar({
      format: `{bar} {flows} | {ops} ops/s | errors {errors} | p99 {p99} ms`,
      hideCursor: true,
      clearOnComplete: false,
      stream: output as NodeJS.WriteStream,
      // cli-progress only draws on a terminal unless told otherwise; the caller decided.
      noTTYOutput: true,
    });
    const payload = () => {
      const p = recorder.progress();
      return { flows: flows(), ops: Math.round(lastOps), errors: p.errors, p99: p.p99.toFixed(1) };
    };
    bar.start(total, 0, payload());
    return {
      update(ops) {
        lastOps = ops;
        bar.update(value(), payload());
      },
      stop() {
        bar.update(value(), payload());
        bar.stop();
      },
    };
  }
  let last = 0;
  const line = (): void => {
    const p = recorder.progress();
    output.write(
      `[loadtest] ${recorder.elapsedSeconds().toFixed(0)}s ${flows()} ` +
        `ops/s ${Math.round(lastOps)} ops ${p.ops} errors ${p.errors} p99 ${p.p99.toFixed(1)} ms\n`,
    );
  };
  return {
    update(ops) {
      lastOps = ops;
      const now = recorder.elapsedSeconds();
      if (now - last >= PLAIN_EVERY_SECONDS) {
        last = now;
        line();
      }
    },
    stop() {
      line();
    },
  };
}
