import { AppError } from './app-error';

/** AWS's wording for a constraint violation, naming the field. */
export function invalid(field: string, constraint: string): AppError {
  return AppError.badInput(
    field,
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Length first, then pattern, as AWS's model validation reports them. */
export function checkString(
  field: string,
  value: string,
  pattern: RegExp,
  min: number,
  max: number,
): void {
  if (value.length < min || value.length > max) {
    throw invalid(field, `Member must have length between ${min} and ${max}`);
  }
  if (!pattern.test(value)) {
    throw invalid(field, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
}

export interface Tag {
  key: string;
  value: string;
}

/** AWS tagging limits and patterns (the same for Proton and CodeCatalyst resources). */
export const TAG_LIMITS = { tags: 50, tagKey: 128, tagValue: 256 } as const;
export const TAG_PATTERNS = {
  tagKey: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u,
  tagValue: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u,
} as const;

/** Tags of a TagResource or create call: count, key and value shapes, reserved prefix, duplicates. */
export function checkTags(tags: readonly Tag[]): void {
  if (tags.length > TAG_LIMITS.tags) {
    throw invalid('tags', `Member must have length less than or equal to ${TAG_LIMITS.tags}`);
  }
  const seen = new Set<string>();
  for (const [i, tag] of tags.entries()) {
    const field = `tags.${i + 1}.member`;
    checkString(`${field}.key`, tag.key, TAG_PATTERNS.tagKey, 1, TAG_LIMITS.tagKey);
    checkString(`${field}.value`, tag.value, TAG_PATTERNS.tagValue, 0, TAG_LIMITS.tagValue);
    if (tag.key.toLowerCase().startsWith('aws:')) {
      throw AppError.badInput(
        `${field}.key`,
        'Tag keys starting with "aws:" are reserved for AWS use',
      );
    }
    if (seen.has(tag.key)) {
      throw AppError.badInput('tags', `Duplicate tag key: ${tag.key}`);
    }
    seen.add(tag.key);
  }
}

/** Keys of an UntagResource call. */
export function checkTagKeys(keys: readonly string[]): void {
  if (keys.length > TAG_LIMITS.tags) {
    throw AppError.badInput('tagKeys', `At most ${TAG_LIMITS.tags} tag keys per call`);
  }
  keys.forEach((key, i) =>
    checkString(`tagKeys.${i + 1}.member`, key, TAG_PATTERNS.tagKey, 1, TAG_LIMITS.tagKey),
  );
}

/** The tag count a resource would have after adding `added` to its `existing` keys. */
export function checkTagCount(existing: readonly string[], added: readonly Tag[]): void {
  const keys = new Set([...existing, ...added.map((t) => t.key)]);
  if (keys.size > TAG_LIMITS.tags) {
    throw AppError.badInput(
      'tags',
      `A resource can have at most ${TAG_LIMITS.tags} tags; this request would give it ${keys.size}`,
    );
  }
}
