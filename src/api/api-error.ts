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
