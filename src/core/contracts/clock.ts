export interface Clock {
  /** Current time in milliseconds since the epoch. */
  now(): number;
}
