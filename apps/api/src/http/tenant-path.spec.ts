import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { stripTenantPath, tenantPathOf } from './tenant-path';

const TENANT = '0b9a3f0e-6a51-4c55-9d59-1f2a7f0c9a11';

function request(url: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = url;
  return req;
}

describe('tenant paths', () => {
  it.each([
    [`/tenants/${TENANT}/graphql`, '/graphql'],
    [`/tenants/${TENANT.toUpperCase()}/graphql?x=1`, '/graphql?x=1'],
    [`/tenants/${TENANT}/`, '/'],
    [`/tenants/${TENANT}`, '/'],
    [`/tenants/${TENANT}?list-type=2`, '/?list-type=2'],
    [`/tenants/${TENANT}/bucket/key/with/slashes`, '/bucket/key/with/slashes'],
  ])('routes %s by the rest of its path', (url, rest) => {
    const req = request(url);
    expect(stripTenantPath(req)).toBe(TENANT);
    expect(req.url).toBe(rest);
    expect(tenantPathOf(req)).toBe(TENANT);
    // A second look (the upgrade's listener, then its Origin check) changes nothing.
    expect(stripTenantPath(req)).toBe(TENANT);
    expect(req.url).toBe(rest);
  });

  it.each([
    ['/graphql'],
    ['/tenants/graphql'],
    ['/tenants/not-a-uuid/graphql'],
    [`/tenants/${TENANT}x/graphql`],
    [`/x/tenants/${TENANT}/graphql`],
  ])('leaves %s as it is', (url) => {
    const req = request(url);
    expect(stripTenantPath(req)).toBeUndefined();
    expect(req.url).toBe(url);
    expect(tenantPathOf(req)).toBeUndefined();
  });
});
