import { ApiError } from './api';

/** What each of the API's error codes means to a person using the portal. */
const WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'This API key was not accepted. Check it, or ask for a new one.',
  FORBIDDEN: 'Your key is not allowed to do this.',
  BAD_USER_INPUT: 'Please check what you entered.',
  CONFLICT: 'This changed in the meantime. Reload the list and try again.',
  QUOTA_EXCEEDED: 'A limit of your organization is reached.',
  THROTTLED: 'Too many requests at once. Wait a moment and try again.',
  QUERY_LIMIT_EXCEEDED: 'The request was too large for the API.',
  SERVICE_UNAVAILABLE: 'AccountLink is unavailable for a moment. Your input is kept; try again.',
  NETWORK: 'AccountLink could not be reached. Your input is kept; try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Your input is kept; try again.',
};

export interface Problem {
  /** The sentence shown: the code's meaning, and the API's own message where it says more. */
  text: string;
  code: string;
}

export function problemOf(error: unknown): Problem {
  if (!(error instanceof ApiError)) {
    return { text: WORDS['INTERNAL_SERVER_ERROR']!, code: 'ERROR' };
  }
  const words = WORDS[error.code];
  // The API's messages are written for people (what is wrong, which field); a server fault's
  // message is not shown.
  const detail =
    error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'NETWORK' ? '' : error.message;
  const text = words ? (detail ? `${words} ${detail}` : words) : detail;
  return { text: text || 'The request failed.', code: error.code };
}
