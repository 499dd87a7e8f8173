// Branch coordinates as feeds write them (feed-formats.md A2 `shopCoords`, A3/A7 `longitude` and
// `latitude`, B2 `lat`/`lng`, schema.org GeoCoordinates). Degrees are kept in whatever datum the
// feed uses (Chinese feeds: often GCJ-02 or BD-09, never said which); they are only checked.
//
// Emitters disagree on the order of a pair: one stores `lng,lat` and prints it as if it were
// `lat,lng` (A2 `coords`), and some fill `latitude` with the longitude. A latitude outside
// −90…90 that is a valid longitude, beside a longitude that is a valid latitude, is therefore
// read as the swapped pair. China lies at latitudes 18–54 and longitudes 73–135, so the swap is
// never ambiguous there; elsewhere a pair valid both ways is taken as written.

export interface Coordinates {
  lat: number | null;
  lng: number | null;
}

const NONE: Coordinates = { lat: null, lng: null };
const DEGREES = /^[+-]?(?:\d{1,3}(?:\.\d+)?|\.\d+)$/;

/**
 * The pair as latitude and longitude, swapped when written the wrong way round (see above);
 * both null when either is missing, not a number, out of range, or when both are 0 (emitters
 * write `0,0` for "unknown").
 */
export function readCoordinates(latitude: number | string | null, longitude: number | string | null): Coordinates {
  const lat = degrees(latitude);
  const lng = degrees(longitude);
  if (lat === null || lng === null || (lat === 0 && lng === 0)) return NONE;
  if (Math.abs(lat) <= 90 && Math.abs(lng) <= 180) return { lat, lng };
  if (Math.abs(lat) <= 180 && Math.abs(lng) <= 90) return { lat: lng, lng: lat };
  return NONE;
}

/** `30.6571,104.0806` (also `，`, `;` or spaces between) → its two halves, first as latitude. */
export function splitCoordinatePair(text: string | null): { lat: string | null; lng: string | null } {
  const parts = text?.trim().split(/\s*[,，;]\s*|\s+/) ?? [];
  return parts.length === 2 ? { lat: parts[0] ?? null, lng: parts[1] ?? null } : { lat: null, lng: null };
}

function degrees(value: number | string | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = value?.trim() ?? '';
  return DEGREES.test(text) ? Number(text) : null;
}
