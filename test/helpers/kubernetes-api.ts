/**
 * @module A stand-in Kubernetes API server for tests: HTTPS on 127.0.0.1 with its own CA (the
 * dev TLS helper), service account tokens minted as a cluster mints them (projected tokens with
 * the `kubernetes.io` claim, or legacy secret-based ones), and the one endpoint Hush calls,
 * `POST /apis/authentication.k8s.io/v1/tokenreviews`, answering as the API server does: the
 * caller must present a valid token allowed to create token reviews (else 401 / 403 with a
 * `Status`), and the review says whether the token is genuine, unexpired, not revoked and meant
 * for the audiences asked. Nothing here is Hush's own code.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import type { CryptoKey } from 'jose';
import { createDevTls } from '../../src/http/dev-tls.js';

export const CLUSTER_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountSpec {
  readonly namespace: string;
  readonly name: string;
  /** Default: a new UUID per account name. */
  readonly uid?: string;
  /** `aud` of a projected token (default: the cluster's issuer, as the API server's own). */
  readonly audience?: string;
  /** A legacy secret-based token instead of a projected one. */
  readonly legacy?: boolean;
  /** Seconds from now; default 3600. */
  readonly expiresIn?: number;
}

export interface ReviewSeen {
  /** The bearer token the reviewer presented. */
  readonly bearer: string;
  readonly audiences: readonly string[] | undefined;
}

export interface KubernetesApi {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** PEM of the CA that signed the API server's certificate (`kubernetes_ca_cert`). */
  readonly caPem: string;
  mint(sa: ServiceAccountSpec): Promise<string>;
  /** A token that may create token reviews (bound to `system:auth-delegator`). */
  reviewerToken(): Promise<string>;
  /** Lets this service account create token reviews too. */
  allowReviews(namespace: string, name: string): void;
  /** Deletes a service account: its tokens stop being authenticated. */
  deleteAccount(namespace: string, name: string): void;
  /** PEM of the key that signs service account tokens (`pem_keys`). */
  signingKeyPem(): Promise<string>;
  reviews(): readonly ReviewSeen[];
  /** Makes the next review name this account instead of the token's (a confused API server). */
  misnameNext(namespace: string, name: string): void;
  close(): Promise<void>;
}

export async function startKubernetesApi(): Promise<KubernetesApi> {
  const dir = mkdtempSync(join(tmpdir(), 'hush-k8s-api-'));
  const tls = await createDevTls(dir);
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const uids = new Map<string, string>();
  const deleted = new Set<string>();
  const reviewers = new Set<string>(['kube-system/token-reviewer']);
  const seen: ReviewSeen[] = [];
  let misnamed: { namespace: string; name: string } | undefined;
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const uidOf = (namespace: string, name: string) => {
    let uid = uids.get(key(namespace, name));
    if (!uid) uids.set(key(namespace, name), (uid = randomUUID()));
    return uid;
  };

  const mint = async (sa: ServiceAccountSpec): Promise<string> => {
    const uid = sa.uid ?? uidOf(sa.namespace, sa.name);
    const sub = `system:serviceaccount:${sa.namespace}:${sa.name}`;
    const claims: Record<string, unknown> = sa.legacy
      ? {
          iss: 'kubernetes/serviceaccount',
          sub,
          'kubernetes.io/serviceaccount/namespace': sa.namespace,
          'kubernetes.io/serviceaccount/secret.name': `${sa.name}-token-x7k2p`,
          'kubernetes.io/serviceaccount/service-account.name': sa.name,
          'kubernetes.io/serviceaccount/service-account.uid': uid,
        }
      : {
          iss: CLUSTER_ISSUER,
          sub,
          aud: [sa.audience ?? CLUSTER_ISSUER],
          'kubernetes.io': { namespace: sa.namespace, serviceaccount: { name: sa.name, uid }, pod: { name: `${sa.name}-7d4b9c-x2x9q`, uid: randomUUID() } },
        };
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'sa-key-1' }).setIssuedAt(now).setNotBefore(now);
    if (!sa.legacy) jwt.setExpirationTime(now + (sa.expiresIn ?? 3600));
    return jwt.sign(privateKey);
  };

  /** Who a token is, if it is genuine, unexpired and its account still exists. */
  const authenticate = async (token: string): Promise<{ namespace: string; name: string; uid: string; aud: string[] } | undefined> => {
    try {
      const { payload } = await jwtVerify(token, publicKey);
      const projected = payload['kubernetes.io'] as { namespace: string; serviceaccount: { name: string; uid: string } } | undefined;
      const namespace = projected?.namespace ?? String(payload['kubernetes.io/serviceaccount/namespace']);
      const name = projected?.serviceaccount.name ?? String(payload['kubernetes.io/serviceaccount/service-account.name']);
      const uid = projected?.serviceaccount.uid ?? String(payload['kubernetes.io/serviceaccount/service-account.uid']);
      if (deleted.has(key(namespace, name)) || uidOf(namespace, name) !== uid) return undefined;
      const aud = payload.aud === undefined ? [CLUSTER_ISSUER] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      return { namespace, name, uid, aud };
    } catch {
      return undefined;
    }
  };

  const status = (res: ServerResponse, code: number, reason: string) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code }));
  };

  const review = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { spec?: { token?: string; audiences?: string[] } };
    seen.push({ bearer, audiences: body.spec?.audiences });
    const caller = await authenticate(bearer);
    if (!caller) return status(res, 401, 'Unauthorized');
    if (!reviewers.has(key(caller.namespace, caller.name))) return status(res, 403, 'Forbidden');
    const genuine = await authenticate(body.spec?.token ?? '');
    const subject = genuine && misnamed ? { ...genuine, ...misnamed } : genuine;
    misnamed = undefined;
    const wanted = body.spec?.audiences;
    const audOk = subject !== undefined && (wanted === undefined || wanted.some((a) => subject.aud.includes(a)));
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: body.spec,
        status:
          subject && audOk
            ? {
                authenticated: true,
                user: { username: `system:serviceaccount:${subject.namespace}:${subject.name}`, uid: subject.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${subject.namespace}`, 'system:authenticated'] },
                audiences: wanted ?? subject.aud,
              }
            : { authenticated: false, error: subject ? 'token audiences are invalid for the target audiences' : 'invalid bearer token' },
      }),
    );
  };

  const server = createServer({ cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') }, (req, res) => {
    if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/tokenreviews') review(req, res).catch(() => res.writeHead(500).end());
    else status(res, 404, 'NotFound');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    caPem: readFileSync(tls.caFile, 'utf8'),
    mint,
    reviewerToken: () => mint({ namespace: 'kube-system', name: 'token-reviewer' }),
    allowReviews: (namespace, name) => reviewers.add(key(namespace, name)),
    deleteAccount: (namespace, name) => deleted.add(key(namespace, name)),
    signingKeyPem: () => exportSPKI(publicKey as CryptoKey),
    reviews: () => seen,
    misnameNext: (namespace, name) => {
      misnamed = { namespace, name };
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
