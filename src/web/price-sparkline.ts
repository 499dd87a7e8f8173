// A deal's price over time as the points of a small inline SVG line, drawn on the server.
import type { PricePoint } from '../storage';

export interface Sparkline {
  width: number;
  height: number;
  points: string;
  /** The last point, drawn as a dot. */
  last: { x: number; y: number };
}

const WIDTH = 240;
const HEIGHT = 48;
const PAD = 4;

/** Null with fewer than two points of one currency: there is no line to draw. */
export function priceSparkline(history: PricePoint[], now: Date): Sparkline | null {
  const currency = history[history.length - 1]?.currency;
  const points = history.filter((point) => point.currency === currency);
  if (points.length < 2) return null;
  const times = points.map((point) => new Date(point.observedAt).getTime());
  // The line runs on to now at the last price, so a price that has held for days looks it.
  const first = times[0]!;
  const end = Math.max(now.getTime(), times[times.length - 1]!);
  const prices = points.map((point) => point.priceMinor);
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  const x = (time: number) => PAD + ((time - first) / Math.max(1, end - first)) * (WIDTH - 2 * PAD);
  const y = (price: number) => (high === low ? HEIGHT / 2 : PAD + ((high - price) / (high - low)) * (HEIGHT - 2 * PAD));
  const coordinates: [number, number][] = [];
  points.forEach((point, index) => {
    // A step line: the price holds until the next observation.
    if (index > 0) coordinates.push([x(times[index]!), y(prices[index - 1]!)]);
    coordinates.push([x(times[index]!), y(point.priceMinor)]);
  });
  coordinates.push([x(end), y(prices[prices.length - 1]!)]);
  const round = (value: number) => Math.round(value * 10) / 10;
  const [lastX, lastY] = coordinates[coordinates.length - 1]!;
  return {
    width: WIDTH,
    height: HEIGHT,
    points: coordinates.map(([px, py]) => `${round(px)},${round(py)}`).join(' '),
    last: { x: round(lastX), y: round(lastY) },
  };
}
