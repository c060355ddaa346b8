import { AppError } from './app-error';

/**
 * AWS's wording for a constraint violation, naming the field (dotted for nested members, as
 * `source.s3.bucket` or `environmentTemplates.1.member.majorVersion`) and the constraint. Every
 * violation of a member's modelled constraint (presence, type, length, pattern, range, enum) on
 * either edge is worded by this helper or `missing`.
 */
export function invalid(field: string, constraint: string, value?: string | number): AppError {
  const shown = value === undefined ? '' : ` '${value}'`;
  return AppError.badInput(
    field,
    `1 validation error detected: Value${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** A required member that is absent or null, as AWS words it. */
export function missing(field: string): AppError {
  return AppError.badInput(
    field,
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}

/** A value outside a modelled enum. */
export function notInEnum(field: string, values: readonly string[], value?: string): AppError {
  return invalid(
    field,
    `Member must satisfy enum value set: [${values.join(', ')}]`,
    value?.slice(0, 40),
  );
}

/** A length outside the modelled bounds. */
export function badLength(field: string, min: number, max: number): AppError {
  return invalid(field, `Member must have length between ${min} and ${max}`);
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
    throw badLength(field, min, max);
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
