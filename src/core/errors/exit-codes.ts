/** Process exit codes; documented in the README, so changing one is a breaking change. */
export const EXIT_CODES = {
  ok: 0,
  /** A bug or an unexpected failure (message and stack on stderr). */
  internal: 1,
  /** Bad flags or configuration: nothing was fetched or written. */
  usage: 2,
  /** Partial: some windows could not be fetched and are queued for `mms retry`; the rest was written. */
  partial: 3,
  /** The store could not be read or written. */
  sink: 4,
  /** Another mms run holds the store's lock; nothing was done. */
  locked: 5,
  /** `mms gaps`: bars are missing or incomplete in the period checked (the alarms were raised). */
  gaps: 6,
  /** `mms gaps`: bars are missing, and at least one alarm could not be delivered. */
  alarmFailed: 7,
  /**
   * `mms verify`: a stored value differs from what its stored candles give, a record has no stored candle,
   * or a stored value is not one mms could have written.
   */
  mismatch: 8,
  /** Stopped by SIGINT or SIGTERM (128 + 2, as shells report it); what was written stays. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
