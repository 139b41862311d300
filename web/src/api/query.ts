// A filter bar's values (strings, "" for 全部) as the typed query parameters the API takes;
// an empty filter is left out.

export function text(value: string): string | undefined {
  return value === "" ? undefined : value;
}

export function flag(value: string): boolean | undefined {
  return value === "true" ? true : value === "false" ? false : undefined;
}

export function number(value: string): number | undefined {
  const n = Number(value);
  return value === "" || !Number.isFinite(n) ? undefined : n;
}

function isKey<K extends string>(labels: Record<K, string>, value: string): value is K {
  return Object.prototype.hasOwnProperty.call(labels, value);
}

/** One value of an API enum (the keys of its labels in labels.ts), or none. */
export function oneOf<K extends string>(labels: Record<K, string>, value: string): K | undefined {
  return isKey(labels, value) ? value : undefined;
}

/** A list filter of one chosen value of an API enum, or none. */
export function manyOf<K extends string>(labels: Record<K, string>, value: string): K[] | undefined {
  return isKey(labels, value) ? [value] : undefined;
}
