import { AppError } from './app-error';
import { checkTagCount, checkTagKeys, checkTags } from './aws-validation';

function errorOf(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('checkTags', () => {
  it('applies AWS limits', () => {
    expect(() => checkTags([{ key: 'team', value: '' }])).not.toThrow();
    expect(
      errorOf(() => checkTags(Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }))))
        .field,
    ).toBe('tags');
    expect(errorOf(() => checkTags([{ key: '', value: 'v' }])).field).toBe('tags.1.member.key');
    expect(errorOf(() => checkTags([{ key: 'k'.repeat(129), value: 'v' }])).field).toBe(
      'tags.1.member.key',
    );
    expect(errorOf(() => checkTags([{ key: 'k', value: 'v'.repeat(257) }])).field).toBe(
      'tags.1.member.value',
    );
    expect(errorOf(() => checkTags([{ key: 'aws:owner', value: 'x' }])).message).toMatch(
      /reserved/,
    );
    expect(
      errorOf(() =>
        checkTags([
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ]),
      ).message,
    ).toMatch(/Duplicate/);
  });

  it('checks untag keys and the count a resource would reach', () => {
    expect(() => checkTagKeys(['team'])).not.toThrow();
    expect(errorOf(() => checkTagKeys([''])).field).toBe('tagKeys.1.member');
    expect(errorOf(() => checkTagKeys(Array.from({ length: 51 }, (_, i) => `k${i}`))).field).toBe(
      'tagKeys',
    );
    const existing = Array.from({ length: 49 }, (_, i) => `k${i}`);
    expect(() =>
      checkTagCount(existing, [
        { key: 'k0', value: 'x' },
        { key: 'new', value: 'y' },
      ]),
    ).not.toThrow();
    expect(
      errorOf(() =>
        checkTagCount(existing, [
          { key: 'a', value: '' },
          { key: 'b', value: '' },
        ]),
      ).message,
    ).toBe('A resource can have at most 50 tags; this request would give it 51');
  });
});
