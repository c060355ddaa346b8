import { CursorCodec } from './cursor';

describe('CursorCodec', () => {
  const codec = new CursorCodec('test-secret');

  it('round-trips a key within its scope', () => {
    const cursor = codec.encode('tenant-a:accounts', ['111111111111', 3]);
    expect(codec.decode('tenant-a:accounts', cursor)).toEqual(['111111111111', 3]);
  });

  it('refuses a cursor used in another scope (tenant or list)', () => {
    const cursor = codec.encode('tenant-a:accounts', ['111111111111']);
    expect(codec.decode('tenant-b:accounts', cursor)).toBeNull();
    expect(codec.decode('tenant-a:roles', cursor)).toBeNull();
  });

  it('refuses a tampered body or signature', () => {
    const cursor = codec.encode('s', ['a']);
    const [, mac] = cursor.split('.');
    const forgedBody = Buffer.from(JSON.stringify(['b'])).toString('base64url');
    expect(codec.decode('s', `${forgedBody}.${mac}`)).toBeNull();
    expect(codec.decode('s', `${cursor}x`)).toBeNull();
    expect(codec.decode('s', 'garbage')).toBeNull();
    expect(codec.decode('s', '')).toBeNull();
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec('other-secret');
    expect(codec.decode('s', other.encode('s', ['a']))).toBeNull();
  });
});
