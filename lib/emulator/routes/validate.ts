import { HttpError } from '../request-context';

/** GitHub's 422 for a body that does not match the operation's schema. */
export function invalid(detail: string): HttpError {
  return new HttpError(422, `Invalid request.\n\n${detail}`);
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** A `labels` array of non-empty strings with min..100 items. */
export function requireLabels(body: Record<string, unknown>, min: number): string[] {
  const labels = body.labels;
  if (labels === undefined) throw invalid('"labels" wasn\'t supplied.');
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || l.trim() === '')) {
    throw invalid('"labels" must be an array of non-empty strings.');
  }
  if (labels.length < min || labels.length > 100) throw invalid(`"labels" must have between ${min} and 100 items.`);
  return labels.map((l: string) => l.trim());
}
