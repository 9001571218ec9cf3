// Registry authentication: the WWW-Authenticate challenge, Basic credentials
// and Bearer tokens. A registry answers 401 with a challenge; Basic means
// "send user:password with each request", Bearer means "get a token for this
// scope from the realm, then send it". Tokens are kept per (realm, service,
// scope) and reused until they expire or the registry refuses one. Where the
// credentials come from (the containers/Docker auth files) is the host's
// business (kernel/host/node/credentials.ts); registry.ts runs the loop.
// Spec: RFC 7235 §4.1 (WWW-Authenticate), RFC 7617 (Basic), distribution's
// docs/spec/auth/token.md (the token endpoint and its JSON answer).
import { base64 } from '../lib/base64.js';

export { base64 };

/** A user name and password for one registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** Find the credentials for a registry (`host[:port]`) and repository, if the user has any. */
export type CredentialLookup = (registry: string, repository: string) => Promise<Credentials | undefined>;

export interface Challenge {
  /** Lowercase: 'basic', 'bearer', … */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parse a WWW-Authenticate value: one or more `Scheme k=v, k="v"` challenges.
 * Parameter names are lowercased; quoted values may contain commas and `\"`.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skip = (re: RegExp): void => {
    while (i < s.length && re.test(s[i])) i++;
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const m = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(s.slice(i));
    if (!m) break;
    const challenge: Challenge = { scheme: m[0].toLowerCase(), params: {} };
    out.push(challenge);
    i += m[0].length;
    // Parameters until the next token that is not followed by '='.
    for (;;) {
      skip(/[\s,]/);
      const p = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(s.slice(i));
      if (!p) break;
      i += p[0].length;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        const t = /^[^\s,]*/.exec(s.slice(i))![0];
        value = t;
        i += t.length;
      }
      challenge.params[p[1].toLowerCase()] = value;
    }
  }
  return out;
}

/** The Authorization value for Basic credentials (UTF-8, as RFC 7617 recommends). */
export function basicAuthorization(c: Credentials): string {
  return `Basic ${base64(new TextEncoder().encode(`${c.username}:${c.password}`))}`;
}

/** The pull scope of a repository, as token servers expect it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

interface CachedToken {
  token: string;
  /** ms since the epoch after which it is not used (absent: until refused). */
  expires?: number;
}

/**
 * Bearer tokens per (realm, service, scope). `now` is injectable for tests.
 * A token the registry refuses is dropped (`forget`) and fetched anew.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private static key(realm: string, service: string, scope: string): string {
    return `${realm}\n${service}\n${scope}`;
  }

  get(realm: string, service: string, scope: string): string | undefined {
    const key = TokenCache.key(realm, service, scope);
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (t.expires !== undefined && this.now() >= t.expires) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  /** Keep a token; `expiresIn` in seconds (token.md: default 60), less a margin for the clock. */
  set(realm: string, service: string, scope: string, token: string, expiresIn = 60): void {
    const expires = this.now() + Math.max(expiresIn - 10, 1) * 1000;
    this.tokens.set(TokenCache.key(realm, service, scope), { token, expires });
  }

  forget(realm: string, service: string, scope: string): void {
    this.tokens.delete(TokenCache.key(realm, service, scope));
  }
}

/**
 * Read a token endpoint's JSON answer: `token` or `access_token` (OAuth2
 * style), with an optional `expires_in` in seconds.
 */
export function parseTokenResponse(body: unknown, realm: string): { token: string; expiresIn?: number } {
  if (typeof body !== 'object' || body === null) throw new Error(`token endpoint ${realm}: the answer is not a JSON object`);
  const b = body as Record<string, unknown>;
  const token = typeof b.token === 'string' && b.token !== '' ? b.token : b.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new Error(`token endpoint ${realm}: the answer has neither "token" nor "access_token"`);
  }
  const expiresIn = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : undefined;
  return { token, expiresIn };
}
