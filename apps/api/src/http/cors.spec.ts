import { corsHeaders, upgradeOriginAllowed } from './cors';

const ALLOWED = new Set(['https://portal.example.com', 'http://127.0.0.1:5173']);

describe('CORS', () => {
  it('answers an allowed origin with exactly what the API reads', () => {
    expect(corsHeaders(ALLOWED, 'https://portal.example.com', true)).toEqual({
      'access-control-allow-origin': 'https://portal.example.com',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'authorization, content-type, x-aws-region, x-amz-date, x-amz-target, x-amz-content-sha256, x-amz-security-token, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request',
      'access-control-max-age': '600',
    });
    expect(corsHeaders(ALLOWED, 'http://127.0.0.1:5173', false)).toEqual({
      'access-control-allow-origin': 'http://127.0.0.1:5173',
      'access-control-expose-headers':
        'x-request-id, x-amzn-requestid, x-amzn-errortype, retry-after',
    });
  });

  it('gives other origins, and requests without one, no CORS header at all', () => {
    expect(corsHeaders(ALLOWED, 'https://evil.example.com', true)).toEqual({});
    expect(corsHeaders(ALLOWED, 'https://portal.example.com.evil.com', false)).toEqual({});
    expect(corsHeaders(ALLOWED, 'null', true)).toEqual({});
    expect(corsHeaders(ALLOWED, undefined, false)).toEqual({});
    expect(corsHeaders(new Set(), 'https://portal.example.com', true)).toEqual({});
  });

  it('lets WebSocket upgrades through without an Origin (not a browser) or from an allowed one', () => {
    expect(upgradeOriginAllowed(ALLOWED, undefined)).toBe(true);
    expect(upgradeOriginAllowed(ALLOWED, 'https://portal.example.com')).toBe(true);
    expect(upgradeOriginAllowed(ALLOWED, 'https://evil.example.com')).toBe(false);
    // The API's own pages (the portal): the Origin is the host the socket connects to.
    expect(upgradeOriginAllowed(ALLOWED, 'http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    expect(upgradeOriginAllowed(ALLOWED, 'https://evil.example.com', '127.0.0.1:3000')).toBe(false);
    expect(upgradeOriginAllowed(ALLOWED, 'http://127.0.0.1:3000.evil.com', '127.0.0.1:3000')).toBe(
      false,
    );
  });
});
