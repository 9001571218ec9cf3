// containers-policy.json(5), the signature policy file of podman, skopeo and
// buildah (policy.json), read as strictly as those tools read it: an unknown,
// missing or malformed field refuses the whole file, naming what is wrong —
// a typo in a security policy must never pass for a looser policy.
//   {"default": [requirements],
//    "transports": {"docker": {"SCOPE": [requirements], "": [...]}, "dir": {…}}}
// Requirements (all of a list must hold): insecureAcceptAnything, reject,
// sigstoreSigned (cosign keys: keyPath, keyPaths, keyData, keyDatas;
// signedIdentity, identity.ts) — and, read so that a file written for the
// real tools loads, signedBy (GPG) and signedBaseLayer, and sigstoreSigned
// with fulcio/pki/rekor (keyless), which admission.ts refuses as
// unsupported when an image needs them. Only the `docker` transport applies
// to tabkernel (it pulls from registries); others are read and checked only.
// policy.ts puts this together with tabkernel's capabilities.
// Spec: containers-policy.json(5); containers/image signature/policy_config.go
// and policy_config_sigstore.go (the fields, and "exactly one of" rules).

import { fromBase64 } from '../lib/base64.js';
import { checkIdentityRule, type IdentityRule } from './identity.js';
import { isObject, onlyFields, readJsonObject } from './json.js';

/** Where a trusted key comes from: a file (read when needed) or the policy itself. */
export type KeySource = { path: string } | { data: Uint8Array; name: string };

export type Requirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  | {
    type: 'sigstoreSigned';
    keys: KeySource[];
    signedIdentity: IdentityRule;
    /** Set for a keyless requirement (fulcio, pki): read, not supported. */
    keyless?: 'fulcio' | 'pki';
  }
  | { type: 'signedBy' | 'signedBaseLayer' };

export interface ContainersPolicy {
  default: Requirement[];
  /** transport → scope → requirements. */
  transports: Map<string, Map<string, Requirement[]>>;
}


/** The policy in `text`, or an Error naming the first thing wrong with it. */
export function parseContainersPolicy(text: string, what: string): ContainersPolicy | Error {
  return readJsonObject(text, what, (doc) => {
    onlyFields(doc, ['default', 'transports'], 'the top level');
    if (doc.default === undefined) throw new Error('"default" is missing (it is required)');
    const policy: ContainersPolicy = { default: requirements(doc.default, '"default"'), transports: new Map() };
    if (doc.transports !== undefined) {
      if (!isObject(doc.transports)) throw new Error('"transports" is not an object');
      for (const [transport, scopes] of Object.entries(doc.transports)) {
        if (!isObject(scopes)) throw new Error(`transports.${transport} is not an object`);
        const map = new Map<string, Requirement[]>();
        for (const [scope, reqs] of Object.entries(scopes)) map.set(scope, requirements(reqs, `transports.${transport}[${JSON.stringify(scope)}]`));
        policy.transports.set(transport, map);
      }
    }
    return policy;
  });
}

function requirements(v: unknown, where: string): Requirement[] {
  if (!Array.isArray(v)) throw new Error(`${where} is not a list of requirements`);
  if (v.length === 0) throw new Error(`${where}: the list of requirements must not be empty`);
  return v.map((r, i) => requirement(r, `${where}[${i}]`));
}

function requirement(r: unknown, where: string): Requirement {
  if (!isObject(r)) throw new Error(`${where} is not an object`);
  switch (r.type) {
    case 'insecureAcceptAnything':
    case 'reject':
      onlyFields(r, ['type'], where);
      return { type: r.type };
    case 'sigstoreSigned':
      return sigstoreSigned(r, where);
    case 'signedBy':
      onlyFields(r, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], where);
      if (r.signedIdentity !== undefined) identityRule(r.signedIdentity, `${where}.signedIdentity`);
      return { type: 'signedBy' };
    case 'signedBaseLayer':
      onlyFields(r, ['type', 'baseLayerIdentity'], where);
      return { type: 'signedBaseLayer' };
    default:
      throw new Error(`${where}: unknown requirement type ${JSON.stringify(r.type)}`);
  }
}

const SIGSTORE_FIELDS = [
  'type', 'keyPath', 'keyPaths', 'keyData', 'keyDatas', 'fulcio', 'pki',
  'rekorPublicKeyPath', 'rekorPublicKeyPaths', 'rekorPublicKeyData', 'rekorPublicKeyDatas', 'signedIdentity',
];

function sigstoreSigned(r: Record<string, unknown>, where: string): Requirement {
  onlyFields(r, SIGSTORE_FIELDS, where);
  const sources = ['keyPath', 'keyPaths', 'keyData', 'keyDatas', 'fulcio', 'pki'].filter((k) => r[k] !== undefined);
  if (sources.length !== 1) {
    throw new Error(`${where}: exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio and pki must be given (${sources.length ? sources.join(', ') : 'none is'})`);
  }
  const signedIdentity = r.signedIdentity === undefined ? { type: 'matchRepoDigestOrExact' as const } : identityRule(r.signedIdentity, `${where}.signedIdentity`);
  const strings = (v: unknown, field: string): string[] => {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) throw new Error(`${where}.${field}: not ${Array.isArray(v) ? 'a list of strings' : 'a string'}`);
    return list as string[];
  };
  const keys: KeySource[] = [];
  if (r.keyPath !== undefined || r.keyPaths !== undefined) {
    const field = r.keyPath !== undefined ? 'keyPath' : 'keyPaths';
    for (const path of strings(r[field], field)) keys.push({ path });
  } else if (r.keyData !== undefined || r.keyDatas !== undefined) {
    const field = r.keyData !== undefined ? 'keyData' : 'keyDatas';
    for (const [i, b64] of strings(r[field], field).entries()) {
      const data = fromBase64(b64);
      if (data instanceof Error) throw new Error(`${where}.${field}: ${data.message}`);
      keys.push({ data, name: field === 'keyData' ? 'keyData' : `keyDatas[${i}]` });
    }
  } else {
    return { type: 'sigstoreSigned', keys, signedIdentity, keyless: r.fulcio !== undefined ? 'fulcio' : 'pki' };
  }
  return { type: 'sigstoreSigned', keys, signedIdentity };
}

function identityRule(v: unknown, where: string): IdentityRule {
  if (!isObject(v)) throw new Error(`${where} is not an object`);
  const text = (field: string): string => {
    if (typeof v[field] !== 'string') throw new Error(`${where}.${field} is missing`);
    return v[field] as string;
  };
  let rule: IdentityRule;
  switch (v.type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      onlyFields(v, ['type'], where);
      rule = { type: v.type };
      break;
    case 'exactReference':
      onlyFields(v, ['type', 'dockerReference'], where);
      rule = { type: 'exactReference', dockerReference: text('dockerReference') };
      break;
    case 'exactRepository':
      onlyFields(v, ['type', 'dockerRepository'], where);
      rule = { type: 'exactRepository', dockerRepository: text('dockerRepository') };
      break;
    case 'remapIdentity':
      onlyFields(v, ['type', 'prefix', 'signedPrefix'], where);
      rule = { type: 'remapIdentity', prefix: text('prefix'), signedPrefix: text('signedPrefix') };
      break;
    default:
      throw new Error(`${where}: unknown signedIdentity type ${JSON.stringify(v.type)}`);
  }
  const bad = checkIdentityRule(rule, where);
  if (bad) throw bad;
  return rule;
}
