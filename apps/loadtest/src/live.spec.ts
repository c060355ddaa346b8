import { liveView } from './live';
import { Recorder } from './metrics';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    isTTY,
    chunks,
    write: (text: string) => chunks.push(text),
    // What cli-progress asks of a terminal stream.
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    columns: 120,
    on: () => undefined,
    removeListener: () => undefined,
  };
}

describe('liveView', () => {
  it('prints a plain line every 5 s when the output is not a terminal, and one at the end', () => {
    const recorder = new Recorder(performance.now() - 6000);
    recorder.record('create', 12);
    recorder.record('create', 40, 'ThrottlingException');
    let done = 3;
    const out = sink(false);
    const view = liveView(
      { recorder, flowsDone: () => done, flowsTotal: 10, durationSeconds: null },
      out,
    );
    view.update(42);
    view.update(40); // within 5 s of the last line: nothing
    done = 10;
    view.stop();
    expect(out.chunks).toHaveLength(2);
    expect(out.chunks[0]).toMatch(
      /^\[loadtest\] 6s flows 3\/10 ops\/s 42 ops 2 errors 1 p99 40\.\d ms\n$/,
    );
    expect(out.chunks[1]).toMatch(/^\[loadtest\] 6s flows 10\/10 ops\/s 40 /);
  });

  it('counts seconds against --duration, with the flows done so far', () => {
    const recorder = new Recorder(performance.now() - 7000);
    const out = sink(false);
    liveView({ recorder, flowsDone: () => 152, flowsTotal: null, durationSeconds: 30 }, out).update(
      10,
    );
    expect(out.chunks[0]).toContain('flows 152 (7/30 s) ops/s 10');
  });

  it('draws a progress bar with ops/s, errors and the p99 on a terminal', () => {
    const recorder = new Recorder();
    recorder.record('get', 8, 'TIMEOUT');
    const out = sink(true);
    const view = liveView(
      { recorder, flowsDone: () => 5, flowsTotal: 10, durationSeconds: null },
      out,
    );
    view.update(99);
    view.stop();
    const drawn = out.chunks.join('');
    expect(drawn).toContain('flows 5/10 | 99 ops/s | errors 1 | p99 8.0 ms');
    // Half done: half of the 40-character bar filled.
    expect(drawn).toContain(`${'='.repeat(20)}${'-'.repeat(20)} flows 5/10`);
    expect(drawn).not.toContain('[loadtest]');
  });
});
