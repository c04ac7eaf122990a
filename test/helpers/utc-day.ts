/** Seconds in a UTC day: bars, `from`/`to` and the API's timestamps are Unix seconds at 00:00 UTC. */
export const DAY = 86_400;

/** 00:00 UTC of an ISO day (`2022-04-27`), in Unix seconds. */
export const day = (isoDay: string): number => Date.parse(`${isoDay}T00:00:00Z`) / 1000;
