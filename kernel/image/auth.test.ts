import { describe, expect, it } from 'vitest';
import { base64, basicAuthorization, parseChallenges, parseTokenResponse, TokenCache } from './auth.js';

describe('parseChallenges', () => {
  it('reads a Bearer challenge with quoted realm, service and scope', () => {
    const h = 'Bearer realm="http://127.0.0.1:9/token",service="tabkernel-registry",scope="repository:tk/hand:pull"';
    expect(parseChallenges(h)).toEqual([{
      scheme: 'bearer',
      params: { realm: 'http://127.0.0.1:9/token', service: 'tabkernel-registry', scope: 'repository:tk/hand:pull' },
    }]);
  });

  it('keeps commas inside quoted values (several scopes) and unescapes \\"', () => {
    const h = 'Bearer realm="r",scope="repository:a:pull,push repository:b:pull",error="say \\"no\\""';
    const [c] = parseChallenges(h);
    expect(c.params.scope).toBe('repository:a:pull,push repository:b:pull');
    expect(c.params.error).toBe('say "no"');
  });

  it('reads several challenges in one header, schemes case-insensitively', () => {
    const cs = parseChallenges('BASIC realm="tabkernel-test", Bearer realm=x,service=y');
    expect(cs.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(cs[1].params).toEqual({ realm: 'x', service: 'y' });
  });
});

describe('basic credentials', () => {
  it('base64-encodes like btoa, padding included', () => {
    for (const s of ['', 'f', 'fo', 'foo', 'foob', 'tk:tkpass']) {
      expect(base64(new TextEncoder().encode(s))).toBe(Buffer.from(s).toString('base64'));
    }
  });

  it('encodes user:password as UTF-8', () => {
    expect(basicAuthorization({ username: 'tk', password: 'pässwort' })).toBe(`Basic ${Buffer.from('tk:pässwort').toString('base64')}`);
  });
});

describe('tokens', () => {
  it('accepts "token" or "access_token" and refuses neither', () => {
    expect(parseTokenResponse({ token: 'a', expires_in: 300 }, 'r')).toEqual({ token: 'a', expiresIn: 300 });
    expect(parseTokenResponse({ access_token: 'b' }, 'r')).toEqual({ token: 'b', expiresIn: undefined });
    expect(() => parseTokenResponse({ nope: 1 }, 'http://r/token')).toThrow(/http:\/\/r\/token.*neither "token" nor "access_token"/);
  });

  it('reuses a token per scope until it expires', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('r', 's', 'repository:a:pull', 'T', 60);
    expect(cache.get('r', 's', 'repository:a:pull')).toBe('T');
    expect(cache.get('r', 's', 'repository:b:pull')).toBeUndefined();
    now += 49_000;
    expect(cache.get('r', 's', 'repository:a:pull')).toBe('T');
    now += 2_000;
    expect(cache.get('r', 's', 'repository:a:pull')).toBeUndefined();
  });
});
