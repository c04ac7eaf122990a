/** The body of every error answer: a stable code, and what to fix. */
export interface ApiErrorBody {
  readonly error: string;
  readonly message: string;
}

export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {error: {type: 'string'}, message: {type: 'string'}},
} as const;

/** Tells an error answer from a result in the `Result | ApiErrorBody` values the validators return. */
export function isApiError(value: object): value is ApiErrorBody {
  return 'error' in value && 'message' in value;
}

/** The 503 of every data route before the first good load from the store. */
export const STORE_UNAVAILABLE: ApiErrorBody = {
  error: 'store_unavailable',
  message: 'the store could not be read yet; see GET /health and try again shortly.',
};
