// Conversions between the INTEGER milliseconds stored in SQLite and the Dates/ISO strings callers use.
export const toMillis = (date: Date): number => date.getTime();
export const toDate = (millis: number): Date => new Date(millis);
export const toOptionalDate = (millis: number | null): Date | null => (millis === null ? null : new Date(millis));
export const toIso = (millis: number | null): string | null => (millis === null ? null : new Date(millis).toISOString());
export const isoToMillis = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
