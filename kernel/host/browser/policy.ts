// The page's policy (kernel/policy/): two files served beside the page —
// policy.json (containers-policy.json(5)) and tabkernel-capabilities.json —
// fetched by the kernel worker when the page says where they are
// (PolicyRequest). A file the server does not have (404, or an HTML page: a
// static host's fallback) leaves that part
// built-in: every image accepted, containers with no host directory and no
// network, any registry. A file that is there but invalid, or a server error,
// is an error: the page pulls nothing until the policy is fixed (a security
// policy that failed to load must not pass for no policy). A sigstoreSigned
// keyPath is fetched relative to policy.json's URL (the dev server's copy of
// the user's policy has its keys inlined as keyData already: vite.config.ts).
// docs/POLICY.md is the user's guide.
import { BUILT_IN_CAPABILITIES, CAPABILITIES_FILE, parseCapabilities } from '../../policy/capabilities.js';
import { parseContainersPolicy } from '../../policy/containers-policy.js';
import { BUILT_IN_SIGNATURE_POLICY, Policy } from '../../policy/policy.js';

/** The text of `url`, or undefined when the server has no such file; an Error for anything else. */
async function fetchText(url: URL, fetchFn: typeof fetch): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetchFn(url, { cache: 'no-store', credentials: 'same-origin' });
  } catch (e) {
    throw new Error(`policy: cannot fetch ${url.href}: ${(e as Error).message}`, { cause: e });
  }
  // A static host's HTML fallback for a path it does not have is no policy either.
  if (res.status === 404 || (res.headers.get('content-type') ?? '').startsWith('text/html')) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`policy: ${url.href}: HTTP ${res.status}`);
  }
  return res.text();
}

/** The policy served at `policyUrl` and the capabilities beside it (see the header). */
export async function fetchPolicy(policyUrl: string, fetchFn: typeof fetch = fetch): Promise<Policy> {
  const url = new URL(policyUrl);
  const capsUrl = new URL(CAPABILITIES_FILE, url);
  const [policyText, capsText] = await Promise.all([fetchText(url, fetchFn), fetchText(capsUrl, fetchFn)]);
  let signatures = BUILT_IN_SIGNATURE_POLICY;
  if (policyText !== undefined) {
    const p = parseContainersPolicy(policyText, `policy: ${url.href}`);
    if (p instanceof Error) throw p;
    signatures = p;
  }
  let capabilities = BUILT_IN_CAPABILITIES;
  if (capsText !== undefined) {
    const c = parseCapabilities(capsText, `policy: ${capsUrl.href}`);
    if (c instanceof Error) throw c;
    capabilities = c;
  }
  const source = { policy: policyText === undefined ? undefined : url.href, capabilities: capsText === undefined ? undefined : capsUrl.href };
  return new Policy(signatures, capabilities, source, async (keyPath) => {
    const text = await fetchText(new URL(keyPath, url), fetchFn);
    if (text === undefined) throw new Error(`${new URL(keyPath, url).href}: not found`);
    return text;
  });
}
