import { Session } from './api';

/** Who signed in, as `me` answered at sign-in. */
export interface Me {
  kind: 'USER' | 'TENANT_ADMIN' | 'ACCOUNT' | 'OPERATOR';
  user: { id: string; name: string } | null;
  account: { accountId: string } | null;
  tenant: { name: string } | null;
}

export interface SignedIn extends Session {
  me: Me;
}

/** The key lives in this tab's session storage only: never in a URL, a cookie or local storage. */
const STORAGE_KEY = 'accountlink.session';

export function loadSession(): SignedIn | null {
  try {
    const text = window.sessionStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as SignedIn) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: SignedIn): void {
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
