import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const base = {
  DATABASE_URL: 'postgresql://owner:pw@127.0.0.1:5432/accountlink',
  REDIS_URL: 'redis://127.0.0.1:6379',
  OPERATOR_TOKEN: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('applies defaults and derives the non-owner runtime URL', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe('info');
    expect(config.appDatabaseUrl).toBe(
      'postgresql://accountlink_app:accountlink_app@127.0.0.1:5432/accountlink',
    );
    expect(config.cursorSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads CORS_ORIGINS as a set of origins, refusing one with a path', () => {
    expect([...loadConfig(base).corsOrigins]).toEqual([]);
    expect([
      ...loadConfig({ ...base, CORS_ORIGINS: 'https://portal.example.com, http://127.0.0.1:5173' })
        .corsOrigins,
    ]).toEqual(['https://portal.example.com', 'http://127.0.0.1:5173']);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'https://portal.example.com/app' })).toThrow(
      /CORS_ORIGINS.*scheme:\/\/host\[:port\]/,
    );
  });

  it('names every invalid variable', () => {
    expect(() =>
      loadConfig({ ...base, PORT: 'abc', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' }),
    ).toThrow(/PORT[\s\S]*REDIS_URL[\s\S]*LOG_LEVEL/);
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL })).toThrow(ConfigError);
  });

  it('generates an operator token once in the data folder when none is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'al-config-'));
    const env = { ...base, OPERATOR_TOKEN: undefined, ACCOUNTLINK_DATA_DIR: dir };
    const first = loadConfig(env);
    const second = loadConfig(env);
    expect(first.operatorToken).toMatch(/^op_[A-Za-z0-9_-]{43}$/);
    expect(second.operatorToken).toBe(first.operatorToken);
    expect(readFileSync(join(dir, 'operator-token'), 'utf8').trim()).toBe(first.operatorToken);
  });

  it('requires an explicit operator token in production', () => {
    expect(() =>
      loadConfig({ ...base, OPERATOR_TOKEN: undefined, NODE_ENV: 'production' }),
    ).toThrow(/OPERATOR_TOKEN/);
  });

  it('refuses the default application-role password in production', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(() => loadConfig(production)).toThrow(/APP_DATABASE_PASSWORD: the default password/);
    expect(
      loadConfig({ ...production, APP_DATABASE_PASSWORD: 's3cret-app-pw' }).appDatabaseUrl,
    ).toBe('postgresql://accountlink_app:s3cret-app-pw@127.0.0.1:5432/accountlink');
    const url = 'postgresql://app:pw@db:5432/accountlink';
    expect(loadConfig({ ...production, APP_DATABASE_URL: url }).appDatabaseUrl).toBe(url);
  });
});
