/**
 * Every line this program writes to stderr goes through here. The redactor knows the credential
 * and every secret minted in this process (registration, remove and JIT tokens, App installation
 * tokens), and also scrubs anything shaped like a GitHub token, so that a message built from a
 * server answer or an exception can never leak one.
 */

const TOKEN_SHAPES = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

/** Secrets shorter than this are not scrubbed by value: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret) return;
    const s = secret.trim();
    if (s.length >= MIN_SECRET_LENGTH) this.secrets.add(s);
    // A PEM key is printed, if ever, line by line: know its body lines too.
    if (s.includes('\n')) {
      for (const line of s.split(/\r?\n/)) {
        const l = line.trim();
        if (l.length >= 16 && !l.startsWith('-----')) this.secrets.add(l);
      }
    }
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join('[redacted]');
    }
    return out.replace(TOKEN_SHAPES, '[redacted]');
  }
}

export const redactor = new Redactor();

export const MESSAGE_PREFIX = 'cdktf-github-runners: ';

/** One line on stderr, prefixed and scrubbed; embedded newlines are folded so it stays one line. */
export function stderrLine(message: string): void {
  const line = redactor
    .scrub(message)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
  process.stderr.write(`${MESSAGE_PREFIX}${line}\n`);
}
