const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of spaces, users and connections are UUIDs: any other string names nothing. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
