/** The fields the sma transform writes: averages of prices, so positive, like the close. */
const AVERAGE_FIELD = /^mms_\d+$/;

/**
 * What is wrong with `value` as field `field` of a stored record, for a message, or undefined when mms could
 * have written it. mms writes the close as a positive number, and a transform's field as a finite number or
 * null; the averages of prices (`mms_<n>`) are positive too, so a 0 there is no value at all. A store checks
 * what it reads with this, so a hand edit or another program's value is refused rather than served.
 */
export function unwrittenValue(field: string, value: unknown): string | undefined {
  const positive = typeof value === 'number' && value > 0 && Number.isFinite(value);
  if (field === 'close') return positive ? undefined : `"close": ${show(value)}, where mms writes a positive number`;
  if (AVERAGE_FIELD.test(field))
    return positive || value === null ? undefined : `"${field}": ${show(value)}, where mms writes a positive number, or null for a day without a value`;
  if (value === null || (typeof value === 'number' && Number.isFinite(value))) return undefined;
  return `"${field}": ${show(value)}, where mms writes a number, or null for a day without a value`;
}

function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
