import { describe, expect, it } from 'vitest';
import { readCoordinates, splitCoordinatePair } from '../../crawlers/normalize/coordinates';

describe('readCoordinates', () => {
  it('keeps a pair in range as written, from numbers or text', () => {
    expect(readCoordinates('30.6571', '104.0806')).toEqual({ lat: 30.6571, lng: 104.0806 });
    expect(readCoordinates(47.6, -122.3)).toEqual({ lat: 47.6, lng: -122.3 });
    expect(readCoordinates(' -33.86 ', '+151.2')).toEqual({ lat: -33.86, lng: 151.2 });
    expect(readCoordinates('90', '-180')).toEqual({ lat: 90, lng: -180 });
  });

  it('swaps a pair whose latitude is out of range but a longitude, beside a valid latitude', () => {
    expect(readCoordinates('104.0806', '30.6571')).toEqual({ lat: 30.6571, lng: 104.0806 });
    expect(readCoordinates(-122.3, 47.6)).toEqual({ lat: 47.6, lng: -122.3 });
  });

  it('takes a pair valid both ways as written', () => {
    expect(readCoordinates('45', '80')).toEqual({ lat: 45, lng: 80 });
  });

  it('gives no position for a missing half, text that is not degrees, out-of-range values or 0,0', () => {
    for (const [lat, lng] of [
      ['30.6', null], [null, '104'], ['', '104'], ['北纬30', '104'], ['30.6°', '104'], ['1e1', '104'],
      [Number.NaN, 104], [Number.POSITIVE_INFINITY, 104], ['95', '100'], ['30', '181'], ['190', '30'], ['0', '0'], [0, 0],
    ] as const) {
      expect(readCoordinates(lat, lng), `${lat},${lng}`).toEqual({ lat: null, lng: null });
    }
  });
});

describe('splitCoordinatePair', () => {
  it('splits on a comma (also full-width), a semicolon or spaces', () => {
    expect(splitCoordinatePair('30.6571,104.0806')).toEqual({ lat: '30.6571', lng: '104.0806' });
    expect(splitCoordinatePair(' 30.6571 ， 104.0806 ')).toEqual({ lat: '30.6571', lng: '104.0806' });
    expect(splitCoordinatePair('30.6571;104.0806')).toEqual({ lat: '30.6571', lng: '104.0806' });
    expect(splitCoordinatePair('30.6571 104.0806')).toEqual({ lat: '30.6571', lng: '104.0806' });
  });

  it('gives nothing for anything but two parts', () => {
    for (const text of [null, '', '30.6571', '1,2,3']) expect(splitCoordinatePair(text)).toEqual({ lat: null, lng: null });
  });
});
