/**
 * What a probe learns from a TLS peer: the earliest expiry over the whole presented chain, the
 * chain's validity and whether the name matches. When verification refuses a peer, the chain is
 * fetched again over a bare TLS handshake (nothing sent) so the result still says when and why.
 * @module
 */
import { connect, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';

export type ChainFacts = {
  /** Earliest notAfter of the chain, epoch ms. */
  expiresAt: number;
  subjects: string[];
};

/** Walks the chain from the leaf to the root (a self-signed root is its own issuer). */
export function chainFacts(socket: TLSSocket): ChainFacts | undefined {
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  if (!leaf || Object.keys(leaf).length === 0) return undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  const subjects: string[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    expiresAt = Math.min(expiresAt, Date.parse(cert.valid_to));
    subjects.push(subjectOf(cert));
    cert = cert.issuerCertificate;
  }
  return { expiresAt, subjects };
}

const subjectOf = (cert: PeerCertificate) => {
  const cn = cert.subject?.CN;
  return Array.isArray(cn) ? cn.join(',') : (cn ?? '');
};

/** A bare handshake that accepts anything, to read the chain of a peer verification refused. */
export function peekChain(
  host: string,
  port: number,
  servername: string | undefined,
  signal: AbortSignal,
): Promise<ChainFacts | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    const done = (facts: ChainFacts | undefined) => {
      socket.destroy();
      signal.removeEventListener('abort', abort);
      resolve(facts);
    };
    const abort = () => done(undefined);
    signal.addEventListener('abort', abort, { once: true });
    socket.once('secureConnect', () => done(chainFacts(socket)));
    socket.on('error', () => done(undefined));
  });
}
