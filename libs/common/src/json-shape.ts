/** How deep and how wide a JSON request body may be. */
export interface JsonShapeLimits {
  /** Nested objects and arrays. */
  maxDepth: number;
  /** Members of any one object or array. */
  maxMembers: number;
}

/**
 * Reads a JSON text's nesting and widths without parsing it: one pass over the bytes, a counter
 * per open container, nothing else allocated, and it stops at the first limit passed. What it
 * answers is the problem in words, or null; it does not check that the text is valid JSON (the
 * parser that runs afterwards does).
 */
export function jsonShapeProblem(body: Buffer, limits: JsonShapeLimits): string | null {
  const members: number[] = [];
  let inString = false;
  let escaped = false;
  let empty = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (byte === 0x5c) {
        escaped = true;
      } else if (byte === 0x22) {
        inString = false;
      }
      continue;
    }
    if (empty && byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
      // The first member of the container just opened (unless it closes at once).
      empty = false;
      if (byte !== 0x7d && byte !== 0x5d) {
        members[members.length - 1] = 1;
      }
    }
    switch (byte) {
      case 0x22:
        inString = true;
        break;
      case 0x7b:
      case 0x5b:
        if (members.length >= limits.maxDepth) {
          return `The request body nests objects and arrays deeper than ${limits.maxDepth} levels`;
        }
        members.push(0);
        empty = true;
        break;
      case 0x7d:
      case 0x5d:
        members.pop();
        break;
      case 0x2c:
        if (members.length > 0) {
          const n = (members[members.length - 1] ?? 0) + 1;
          members[members.length - 1] = n;
          if (n > limits.maxMembers) {
            return `An object or array in the request body has more than ${limits.maxMembers} members`;
          }
        }
        break;
      default:
        break;
    }
  }
  return null;
}
