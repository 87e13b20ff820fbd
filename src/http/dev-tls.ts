/**
 * @module Development TLS: a private CA and a server certificate for `127.0.0.1`, `::1` and
 * `localhost` (ECDSA P-256, PEM files), for `hush server --dev` and tests. The CA's private key
 * is never written anywhere: whoever trusts `ca.pem` trusts only the one server certificate
 * made with it. A second call reuses the files while they are valid for at least another day;
 * otherwise both are made again. The server's private key file is 0600.
 */
import { X509Certificate as NodeX509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API
// installed before the library is evaluated (imports evaluate in order).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface DevTlsFiles {
  /** PEM certificate of the dev CA: give it to clients (`ca`, `VAULT_CACERT`, `REQUESTS_CA_BUNDLE`). */
  readonly caFile: string;
  /** PEM server certificate. */
  readonly certFile: string;
  /** PEM PKCS#8 private key of the server certificate (mode 0600). */
  readonly keyFile: string;
}

const CA_FILE = 'ca.pem';
const CERT_FILE = 'server.pem';
const KEY_FILE = 'server-key.pem';
const VALID_DAYS = 365;
const DAY_MS = 86_400_000;
const HOSTS = ['localhost'] as const;
const IPS = ['127.0.0.1', '::1'] as const;
type KeyPair = { readonly publicKey: CryptoKey; readonly privateKey: CryptoKey };
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Creates (or reuses) the dev CA and server certificate in `dir`. */
export async function createDevTls(dir: string): Promise<DevTlsFiles> {
  const files: DevTlsFiles = { caFile: join(dir, CA_FILE), certFile: join(dir, CERT_FILE), keyFile: join(dir, KEY_FILE) };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (await isReusable(files)) {
    await chmod(files.keyFile, 0o600);
    return files;
  }
  const made = await makeCertificates();
  // Key first and 0600 from creation; each file is written whole and renamed into place.
  await writeAtomically(files.keyFile, made.keyPem, 0o600);
  await writeAtomically(files.certFile, made.certPem, 0o644);
  await writeAtomically(files.caFile, made.caPem, 0o644);
  return files;
}

async function makeCertificates(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const crypto = webcrypto as unknown as Crypto;
  const now = Date.now();
  const notBefore = new Date(now - 60_000); // tolerate small clock differences
  const notAfter = new Date(now + VALID_DAYS * DAY_MS);
  const caKeys = (await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair as unknown as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: 'CN=Hush development CA',
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const serverKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair as unknown as KeyPair;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: 'CN=localhost',
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([
          ...HOSTS.map((value) => ({ type: 'dns' as const, value })),
          ...IPS.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: `${ca.toString('pem')}\n`,
    certPem: `${cert.toString('pem')}\n`,
    keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
  };
}

/** True when all three files exist, belong together, name our hosts and stay valid a day. */
async function isReusable(files: DevTlsFiles): Promise<boolean> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(files.caFile),
      readFile(files.certFile),
      readFile(files.keyFile),
      stat(files.keyFile),
    ]);
    const ca = new NodeX509Certificate(caPem);
    const cert = new NodeX509Certificate(certPem);
    const soon = Date.now() + DAY_MS;
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(cert.validTo) > soon &&
      Date.parse(ca.validTo) > soon &&
      Date.parse(cert.validFrom) <= Date.now() &&
      HOSTS.every((host) => cert.checkHost(host) !== undefined) &&
      IPS.every((ip) => cert.checkIP(ip) !== undefined)
    );
  } catch {
    return false; // missing or unreadable: make new ones
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'w' });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}
