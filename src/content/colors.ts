// CSS/HTML colour values to RGB, enough to tell "white text on a white background".
const NAMED: Record<string, [number, number, number]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  silver: [192, 192, 192],
  navy: [0, 0, 128],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  maroon: [128, 0, 0],
  teal: [0, 128, 128],
  lime: [0, 255, 0],
  aqua: [0, 255, 255],
  fuchsia: [255, 0, 255],
  whitesmoke: [245, 245, 245],
  snow: [255, 250, 250],
  ivory: [255, 255, 240],
};

export type Rgb = [number, number, number];

export function parseColor(value: string | undefined): Rgb | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase().replace(/\s*!important$/, '');
  if (NAMED[v]) return NAMED[v];
  const hex = v.startsWith('#') ? v.slice(1) : /^[0-9a-f]{6}$/.test(v) ? v : undefined;
  if (hex !== undefined) {
    if (/^[0-9a-f]{3}$/.test(hex)) return [0, 1, 2].map((i) => Number.parseInt(hex[i] + hex[i], 16)) as Rgb;
    if (/^[0-9a-f]{6}$/.test(hex)) return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
    return undefined;
  }
  const m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(v);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

/** True when two colours are too close to read one on the other. */
export function sameColour(a: Rgb, b: Rgb): boolean {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) < 30;
}
