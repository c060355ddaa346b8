import { Recorder } from './metrics';

describe('Recorder', () => {
  it('keeps per-operation HdrHistogram percentiles, errors by code and retries', () => {
    const r = new Recorder(0);
    for (let i = 1; i <= 100; i++) {
      r.record('create', i);
    }
    r.record('create', 500, 'ThrottlingException', 2);
    r.record('get', 3, 'ThrottlingException');
    r.record('get', 4, 'InternalServerException');
    r.end(2000);
    const [create, get] = r.summary();
    expect(create).toMatchObject({
      name: 'create',
      count: 101,
      errors: 1,
      retries: 2,
      throughput: 50.5,
    });
    // Three significant digits: within 0.1% of the exact order statistics.
    expect(create.p50).toBeCloseTo(51, 0);
    expect(create.p99).toBeCloseTo(100, 0);
    expect(create.max).toBeCloseTo(500, 0);
    expect(create.errorsByCode).toEqual({ ThrottlingException: 1 });
    expect(get.errorsByCode).toEqual({ ThrottlingException: 1, InternalServerException: 1 });
  });

  it('closes intervals with their own counts and percentiles, then starts them afresh', () => {
    const r = new Recorder(0);
    r.record('get', 10);
    r.record('get', 20, 'TIMEOUT');
    const first = r.tick(1000);
    expect(first.t).toBe(1);
    expect(first.ops.get).toMatchObject({ count: 2, errors: 1 });
    expect(first.ops.get.p99).toBeCloseTo(20, 0);
    expect(first.errors).toEqual({ TIMEOUT: 1 });
    r.record('get', 1000);
    const second = r.tick(2000);
    expect(second.ops.get).toMatchObject({ count: 1, errors: 0 });
    expect(second.ops.get.p50).toBeCloseTo(1000, -1);
    expect(second.errors).toEqual({});
    // An interval without operations reports zeros, not the previous interval's figures.
    expect(r.tick(3000).ops.get).toEqual({ count: 0, errors: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(r.intervals).toHaveLength(3);
    expect(r.progress()).toMatchObject({ ops: 3, errors: 1 });
  });
});
