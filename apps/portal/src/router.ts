import { useEffect, useState } from 'preact/hooks';

/** The portal's routes, under the base path /portal/. */
export type Route =
  | { page: 'home' }
  | { page: 'space'; spaceId: string }
  | { page: 'verify' }
  | { page: 'connection'; connectionId: string; region: string | null };

const BASE = '/portal/';

export function routeOf(location: Location): Route {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const [first, second] = path.split('/');
  if (first === 'spaces' && second) {
    return { page: 'space', spaceId: decodeURIComponent(second) };
  }
  if (first === 'verify') {
    return { page: 'verify' };
  }
  if (first === 'connections' && second) {
    return {
      page: 'connection',
      connectionId: decodeURIComponent(second),
      region: new URLSearchParams(location.search).get('region'),
    };
  }
  return { page: 'home' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'home':
      return BASE;
    case 'space':
      return `${BASE}spaces/${encodeURIComponent(route.spaceId)}`;
    case 'verify':
      return `${BASE}verify`;
    case 'connection':
      return `${BASE}connections/${encodeURIComponent(route.connectionId)}${
        route.region ? `?region=${encodeURIComponent(route.region)}` : ''
      }`;
  }
}

const listeners = new Set<() => void>();

export function navigate(route: Route, replace = false): void {
  const href = hrefOf(route);
  if (replace) {
    window.history.replaceState(null, '', href);
  } else {
    window.history.pushState(null, '', href);
  }
  listeners.forEach((listener) => listener());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
