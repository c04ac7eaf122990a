/** `2022-04-26` for a day-aligned timestamp, `2022-04-26T13:15:00Z` otherwise (Unix seconds in, UTC out). */
export function formatUtc(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return seconds % 86_400 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}
