import { describe, expect, it } from 'vitest';
import { parseReference, type Reference } from '../image/reference.js';
import { dockerScopes, mostSpecific } from './scope.js';

const ref = (s: string): Reference => parseReference(s) as Reference;

describe('docker scopes', () => {
  it("are looked up most specific first: the image, its repository, each namespace, the registry, the registry's domains", () => {
    expect(dockerScopes(ref('reg.example.com:5000/a/b/app:1'))).toEqual([
      'reg.example.com:5000/a/b/app:1', 'reg.example.com:5000/a/b/app', 'reg.example.com:5000/a/b', 'reg.example.com:5000/a',
      'reg.example.com:5000', '*.example.com', '*.com',
    ]);
  });

  it('name an image pulled by digest by its digest, and expand Docker Hub names', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(dockerScopes(ref(`busybox@${d}`))).toEqual([`docker.io/library/busybox@${d}`, 'docker.io/library/busybox', 'docker.io/library', 'docker.io', '*.io']);
  });

  it('pick the first scope a policy names, then "", and nothing else', () => {
    const scopes = new Map([['', 'transport'], ['docker.io', 'hub'], ['docker.io/library/busybox', 'busybox']]);
    expect(mostSpecific(scopes, ref('busybox'))).toEqual({ scope: 'docker.io/library/busybox', value: 'busybox' });
    expect(mostSpecific(scopes, ref('alpine'))).toEqual({ scope: 'docker.io', value: 'hub' });
    expect(mostSpecific(scopes, ref('quay.io/x/y'))).toEqual({ scope: '', value: 'transport' });
    expect(mostSpecific(new Map([['*.example.com', 1]]), ref('a.b.example.com/x'))).toEqual({ scope: '*.example.com', value: 1 });
    expect(mostSpecific(new Map([['busybox', 1]]), ref('busybox'))).toBeUndefined(); // scopes are fully expanded
  });
});
