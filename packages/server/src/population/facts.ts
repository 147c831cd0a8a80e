/**
 * The fact files under ./data (prefectures, age pyramid, names, municipalities), parsed once and turned into the
 * cumulative weight tables the generator draws from. Sources: ./data/README.md and the shared population README.
 */
import { readFileSync } from 'node:fs';
import { cumulative } from './prng.js';

/** One of the 47 prefectures (都道府県) with the facts the generator uses. */
export interface Prefecture {
  /** JIS code, 2 digits ('01' 北海道 … '47' 沖縄県). */
  code: string;
  name: string;
  nameKana: string;
  population: number;
  /** The 協会けんぽ 支部's real insurer number (prefectures.csv). */
  kyokaiInsurerNumber: string;
  capital: string;
  /** First three digits of the prefecture's postal codes, lowest and highest (approx.). */
  postalPrefixMin: number;
  postalPrefixMax: number;
}

/** A sampled municipality: its 国保 and the area its residents' addresses are in. */
export interface Municipality {
  prefectureCode: string;
  name: string;
  nameKana: string;
  populationThousands: number;
}

/** A given name with the birth years in which it was common (names.csv `popular_birth_years`). */
export interface GivenName {
  kanji: string;
  kana: string;
  fromYear: number;
  toYear: number;
}

/** A surname with its approximate bearer count (names.csv). */
export interface Surname {
  kanji: string;
  kana: string;
  thousands: number;
}

/** The age pyramid in single years 0…MAX_AGE: persons (relative) and the male share of each age. */
export interface AgePyramid {
  total: Float64Array;
  maleShare: Float64Array;
}

/** The oldest age the generator produces (the pyramid's open 100+ band is spread over 100…MAX_AGE). */
export const MAX_AGE = 105;

function readCsv(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${file}: expected ${header.length} cells, got ${cells.length}: ${line}`);
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = cells[i] ?? '';
    });
    return row;
  });
}

function cell(row: Record<string, string>, key: string): string {
  const v = row[key];
  if (v === undefined) {
    throw new Error(`missing column ${key}`);
  }
  return v;
}

function loadPrefectures(): Prefecture[] {
  return readCsv('prefectures.csv').map((r) => {
    const [lo, hi] = cell(r, 'postal_prefix_range_approx').split('-');
    return {
      code: cell(r, 'code'),
      name: cell(r, 'name'),
      nameKana: cell(r, 'name_kana'),
      population: Number(cell(r, 'population')),
      kyokaiInsurerNumber: cell(r, 'kyokai_kenpo_insurer_no'),
      capital: cell(r, 'capital'),
      postalPrefixMin: Number(lo),
      postalPrefixMax: Number(hi),
    };
  });
}

function loadMunicipalities(): Municipality[] {
  return readCsv('municipalities.csv').map((r) => ({
    prefectureCode: cell(r, 'prefecture_code'),
    name: cell(r, 'name'),
    nameKana: cell(r, 'kana'),
    populationThousands: Number(cell(r, 'population_thousands_approx')),
  }));
}

function loadPyramid(): AgePyramid {
  const total = new Float64Array(MAX_AGE + 1);
  const male = new Float64Array(MAX_AGE + 1);
  for (const r of readCsv('age_pyramid.csv')) {
    const min = Number(cell(r, 'age_min'));
    const maxCell = cell(r, 'age_max');
    const m = Number(cell(r, 'male_thousands'));
    const f = Number(cell(r, 'female_thousands'));
    if (maxCell === '') {
      // Open band 100+: a geometric tail (each year ~60 % of the one before) up to MAX_AGE.
      const weights: number[] = [];
      for (let a = min; a <= MAX_AGE; a++) {
        weights.push(0.6 ** (a - min));
      }
      const sum = weights.reduce((x, y) => x + y, 0);
      weights.forEach((w, i) => {
        total[min + i] = ((m + f) * w) / sum;
        male[min + i] = (m * w) / sum;
      });
      continue;
    }
    const max = Number(maxCell);
    const years = max - min + 1;
    for (let a = min; a <= max; a++) {
      total[a] = (m + f) / years;
      male[a] = m / years;
    }
  }
  const maleShare = new Float64Array(MAX_AGE + 1);
  for (let a = 0; a <= MAX_AGE; a++) {
    const t = total[a] ?? 0;
    maleShare[a] = t > 0 ? (male[a] ?? 0) / t : 0.5;
  }
  return { total, maleShare };
}

function loadNames(): { surnames: Surname[]; male: GivenName[]; female: GivenName[] } {
  const surnames: Surname[] = [];
  const male: GivenName[] = [];
  const female: GivenName[] = [];
  for (const r of readCsv('names.csv')) {
    const category = cell(r, 'category');
    if (category === 'surname') {
      surnames.push({
        kanji: cell(r, 'kanji'),
        kana: cell(r, 'kana'),
        thousands: Number(cell(r, 'approx_population_thousands')),
      });
      continue;
    }
    const [from, to] = cell(r, 'popular_birth_years').split('-');
    const name = { kanji: cell(r, 'kanji'), kana: cell(r, 'kana'), fromYear: Number(from), toYear: Number(to) };
    (category === 'male' ? male : female).push(name);
  }
  return { surnames, male, female };
}

/** The first and last birth years that names.csv covers; other years borrow the nearest covered year. */
export const NAME_YEAR_MIN = 1912;
export const NAME_YEAR_MAX = 2024;

/**
 * Per birth year, a cumulative table over the given names popular in that year. A name weighs more in the middle
 * of its era than at the edges (a triangle), so neighbouring eras blend instead of switching on one year.
 */
function namesByYear(names: readonly GivenName[]): Float64Array[] {
  const tables: Float64Array[] = [];
  for (let y = NAME_YEAR_MIN; y <= NAME_YEAR_MAX; y++) {
    const weights = names.map((n) =>
      y >= n.fromYear && y <= n.toYear ? 1 + Math.min(y - n.fromYear, n.toYear - y) : 0,
    );
    if (weights.every((w) => w === 0)) {
      // No name tagged with this year: take every name, weighted by how near its era is.
      tables.push(cumulative(names.map((n) => 1 / (1 + Math.min(Math.abs(y - n.fromYear), Math.abs(y - n.toYear))))));
      continue;
    }
    tables.push(cumulative(weights));
  }
  return tables;
}

/** Everything the generator draws from, built once per process. */
export interface Facts {
  prefectures: Prefecture[];
  prefectureTable: Float64Array;
  municipalities: Municipality[];
  /** Per prefecture (index as in `prefectures`), the indices into `municipalities` and their cumulative table. */
  municipalitiesByPrefecture: { indices: number[]; table: Float64Array }[];
  pyramid: AgePyramid;
  surnames: Surname[];
  surnameTable: Float64Array;
  maleNames: GivenName[];
  femaleNames: GivenName[];
  maleNamesByYear: Float64Array[];
  femaleNamesByYear: Float64Array[];
}

let cached: Facts | undefined;

/** Loads and indexes the fact files (once). */
export function facts(): Facts {
  if (cached) {
    return cached;
  }
  const prefectures = loadPrefectures();
  if (prefectures.length !== 47) {
    throw new Error(`prefectures.csv must list 47 prefectures, found ${prefectures.length}`);
  }
  const municipalities = loadMunicipalities();
  const municipalitiesByPrefecture = prefectures.map((p) => {
    const indices: number[] = [];
    municipalities.forEach((m, i) => {
      if (m.prefectureCode === p.code) {
        indices.push(i);
      }
    });
    if (indices.length === 0) {
      throw new Error(`municipalities.csv has no municipality in ${p.name}`);
    }
    return { indices, table: cumulative(indices.map((i) => municipalities[i]?.populationThousands ?? 0)) };
  });
  const names = loadNames();
  cached = {
    prefectures,
    prefectureTable: cumulative(prefectures.map((p) => p.population)),
    municipalities,
    municipalitiesByPrefecture,
    pyramid: loadPyramid(),
    surnames: names.surnames,
    surnameTable: cumulative(names.surnames.map((s) => s.thousands)),
    maleNames: names.male,
    femaleNames: names.female,
    maleNamesByYear: namesByYear(names.male),
    femaleNamesByYear: namesByYear(names.female),
  };
  return cached;
}
