import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseOptions, UsageError } from './options';

const root = mkdtempSync(path.join(tmpdir(), 'loadtest-options-'));

describe('parseOptions', () => {
  it('takes the documented flags, with defaults for the rest', () => {
    const o = parseOptions(
      [
        '--scenario',
        'proton-connections',
        '--accounts',
        '10000',
        '--concurrency',
        '64',
        '--report',
        'r.html',
        '--json',
        's.json',
      ],
      { OPERATOR_TOKEN: 'op' },
      root,
    );
    expect(o).toMatchObject({
      scenario: 'proton-connections',
      accounts: 10000,
      concurrency: 64,
      duration: null,
      report: 'r.html',
      json: 's.json',
      url: 'http://127.0.0.1:3000',
      operatorToken: 'op',
      timeoutMs: 60000,
    });
  });

  it("reads the operator token from the local stack's file when neither flag nor variable gives it", () => {
    mkdirSync(path.join(root, '.data'), { recursive: true });
    writeFileSync(path.join(root, '.data', 'operator-token'), 'from-file\n');
    expect(parseOptions(['--scenario', 'x.js'], {}, root).operatorToken).toBe('from-file');
    expect(
      parseOptions(
        ['--scenario', 'x.js', '--operator-token', 'flag'],
        { OPERATOR_TOKEN: 'env' },
        root,
      ).operatorToken,
    ).toBe('flag');
  });

  it('takes fault rules as JSON or as a file of JSON', () => {
    const rules = [{ operations: 'Create*', throttlingRate: 0.3 }];
    expect(
      parseOptions(['--scenario', 'a', '--faults', JSON.stringify(rules)], {}, root).faults,
    ).toEqual(rules);
    const file = path.join(root, 'faults.json');
    writeFileSync(file, JSON.stringify(rules));
    expect(
      parseOptions(['--scenario', 'a', '--faults', file, '--sdk-max-attempts', '8'], {}, root),
    ).toMatchObject({
      faults: rules,
      sdkMaxAttempts: 8,
    });
    expect(() => parseOptions(['--scenario', 'a', '--faults', 'nonsense'], {}, root)).toThrow(
      /--faults/,
    );
    expect(() =>
      parseOptions(['--scenario', 'a', '--faults', '{"operations":"*"}'], {}, root),
    ).toThrow(/--faults/);
  });

  it.each([
    [['--accounts', '10'], /--scenario/],
    [['--scenario', 'a', '--accounts', 'many'], /--accounts/],
    [
      ['--scenario', 'a', '--accounts', '4', '--concurrency', '8'],
      /--concurrency: must not exceed --accounts/,
    ],
    [['--scenario', 'a', '--duration', '-1'], /--duration/],
    [['--scenario', 'a', '--url', 'not a url'], /--url/],
    [['--scenario', 'a', '--bogus', '1'], /bogus/],
  ])('refuses %j with a usage error naming the flag', (argv, message) => {
    expect(() => parseOptions(argv, {}, root)).toThrow(UsageError);
    expect(() => parseOptions(argv, {}, root)).toThrow(message);
  });
});
