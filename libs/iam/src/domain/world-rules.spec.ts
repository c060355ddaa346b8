import {
  newWorldKey,
  openCredentials,
  policyFor,
  sealCredentials,
  worldAccountIds,
} from './world-rules';

describe('worldAccountIds', () => {
  it('takes the listed ids in their order', () => {
    expect(worldAccountIds({ accountIds: ['222222222222', '111111111111'] })).toEqual({
      ok: true,
      value: ['222222222222', '111111111111'],
    });
  });

  it('counts up from firstAccountId, keeping 12 digits', () => {
    expect(worldAccountIds({ firstAccountId: '000000000998', count: 3 })).toEqual({
      ok: true,
      value: ['000000000998', '000000000999', '000000001000'],
    });
  });

  it.each([
    [{}, 'accountIds'],
    [{ accountIds: [] }, 'accountIds'],
    [{ accountIds: ['111111111111'], count: 1 }, 'accountIds'],
    [{ accountIds: ['111111111111', '11111111111a'] }, 'accountIds[1]'],
    [{ accountIds: ['111111111111', '111111111111'] }, 'accountIds[1]'],
    [{ firstAccountId: '1', count: 1 }, 'firstAccountId'],
    [{ firstAccountId: '111111111111' }, 'count'],
    [{ firstAccountId: '111111111111', count: 0 }, 'count'],
    [{ firstAccountId: '111111111111', count: 1.5 }, 'count'],
    [{ firstAccountId: '999999999999', count: 2 }, 'count'],
  ])('refuses %j naming %s', (input, field) => {
    expect(worldAccountIds(input)).toMatchObject({ ok: false, field });
  });
});

describe('policyFor', () => {
  it('puts the account and the management account in every placeholder', () => {
    const template =
      '{"a":"{accountId}","b":"arn:aws:iam::{managementAccountId}:root","c":"{accountId}"}';
    expect(policyFor(template, '111111111111', '999999999999')).toBe(
      '{"a":"111111111111","b":"arn:aws:iam::999999999999:root","c":"111111111111"}',
    );
  });
});

describe('sealed credentials', () => {
  const lines = [
    { accountId: '111111111111', apiKey: 'alk_x', accessKeyId: 'AKIA1', secretAccessKey: 's/1' },
    { accountId: '222222222222', apiKey: 'alk_y' },
  ];

  it('open with their key as NDJSON, a line per account', () => {
    const key = newWorldKey();
    const text = openCredentials(key, sealCredentials(key, lines));
    expect(text?.split('\n')).toEqual([...lines.map((l) => JSON.stringify(l)), '']);
  });

  it('do not open with another key, altered, or cut short', () => {
    const key = newWorldKey();
    const sealed = sealCredentials(key, lines);
    expect(openCredentials(newWorldKey(), sealed)).toBeNull();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(openCredentials(key, altered)).toBeNull();
    expect(openCredentials(key, sealed.subarray(0, 20))).toBeNull();
    expect(openCredentials(key.subarray(0, 16), sealed)).toBeNull();
  });

  it('hold nothing readable of the secrets', () => {
    const key = newWorldKey();
    expect(sealCredentials(key, lines).toString('latin1')).not.toContain('alk_x');
  });
});
