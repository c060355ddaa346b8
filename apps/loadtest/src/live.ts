import { SingleBar } from 'cli-progress';
import { Recorder } from './metrics';

export interface LiveState {
  recorder: Recorder;
  /** Flows ended so far and the total (null with --duration: the bar then counts seconds). */
  flowsDone(): number;
  flowsTotal: number | null;
  durationSeconds: number | null;
}

export interface LiveView {
  /** Called every second with the interval just closed. */
  update(opsPerSecond: number): void;
  stop(): void;
}

const PLAIN_EVERY_SECONDS = 5;

/**
 * The view while the run goes: a progress bar (cli-progress) with ops/s, errors and the p99 so far
 * on a terminal; plain periodic lines when stdout is not a TTY (CI, a pipe, a file).
 */
export function liveView(state: LiveState, tty = Boolean(process.stdout.isTTY)): LiveView {
  const total = state.flowsTotal ?? state.durationSeconds ?? 1;
  const value = (): number =>
    state.flowsTotal !== null
      ? state.flowsDone()
      : Math.min(total, Math.floor(state.recorder.elapsedSeconds()));
  const unit = state.flowsTotal !== null ? 'flows' : 's';
  if (tty) {
    const bar = new SingleBar({
      format: `{bar} {value}/{total} ${unit} | {ops} ops/s | errors {errors} | p99 {p99} ms | {elapsed}s`,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { ops: 0, errors: 0, p99: 0, elapsed: 0 });
    return {
      update(ops) {
        const p = state.recorder.progress();
        bar.update(value(), {
          ops: Math.round(ops),
          errors: p.errors,
          p99: p.p99.toFixed(1),
          elapsed: Math.round(state.recorder.elapsedSeconds()),
        });
      },
      stop() {
        bar.update(value());
        bar.stop();
      },
    };
  }
  let last = 0;
  let lastOps = 0;
  const line = (ops: number): void => {
    const p = state.recorder.progress();
    process.stdout.write(
      `[loadtest] ${state.recorder.elapsedSeconds().toFixed(0)}s ${unit} ${value()}/${total} ` +
        `ops/s ${Math.round(ops)} ops ${p.ops} errors ${p.errors} p99 ${p.p99.toFixed(1)} ms\n`,
    );
  };
  return {
    update(ops) {
      lastOps = ops;
      const now = state.recorder.elapsedSeconds();
      if (now - last >= PLAIN_EVERY_SECONDS) {
        last = now;
        line(ops);
      }
    },
    stop() {
      line(lastOps);
    },
  };
}
