/**
 * The synthetic insurers (保険者): the 47 協会けんぽ 支部 with their real numbers, 健保組合, 共済組合, 国保 of the
 * sampled municipalities, 国保組合 and the 47 後期高齢者医療広域連合. Numbers follow rules.md §1.1 (法別 2 + 都道府県
 * 2 + 3 digits + 検証番号; 国保 6 digits) with check digits from @onshi/core. Apart from the 協会けんぽ and the
 * 私学共済 numbers, numbers and 健保組合 names are made up.
 */
import { insurerNumberCheckDigit } from '@onshi/core';
import { facts, type Prefecture } from './facts.js';
import { Random, cumulative, seedToUint32, type Seed } from './prng.js';
import type { GeneratedInsurer } from './types.js';

/** Options of `generateInsurers`. */
export interface InsurerOptions {
  seed: Seed;
  /** How many 健保組合 to create (about 1,380 in Japan, insurance_shares.md §1). */
  kumiaiCount?: number;
}

/** Default number of 健保組合: 健保連 counts 1,378–1,380 (insurance_shares.md §1). */
export const DEFAULT_KUMIAI_COUNT = 1380;

/** 国家公務員共済組合 (法別 31), all seated in Tokyo. */
const NATIONAL_KYOSAI = [
  '衆議院共済組合',
  '参議院共済組合',
  '内閣共済組合',
  '総務省共済組合',
  '法務省共済組合',
  '外務省共済組合',
  '財務省共済組合',
  '文部科学省共済組合',
  '厚生労働省共済組合',
  '厚生労働省第二共済組合',
  '農林水産省共済組合',
  '林野庁共済組合',
  '経済産業省共済組合',
  '国土交通省共済組合',
  '裁判所共済組合',
  '会計検査院共済組合',
  '刑務共済組合',
  '防衛省共済組合',
  '日本郵政共済組合',
  '国家公務員共済組合連合会職員共済組合',
];

const COMPANY_STEMS = [
  '東邦',
  '大和',
  '富士',
  '東洋',
  '北斗',
  '中央',
  '三協',
  '昭和',
  '旭',
  '明星',
  '大同',
  '第一',
  '協和',
  '太平',
  '日東',
  '関東',
  '関西',
  '中部',
  '九州',
  '北海',
  '山陽',
  '東亜',
  '大成',
  '光陽',
  '丸栄',
  '共栄',
  '新生',
  '平和',
  '朝日',
  '日進',
  '東和',
  '大栄',
  '三栄',
  '日新',
  '菱和',
  '双葉',
  '瑞穂',
  '青葉',
  '若葉',
  '白鳥',
  '鳳凰',
  '錦',
  '桜',
  '松栄',
  '竹中',
  '梅田',
  '扇',
  '紀州',
  '信州',
  '越後',
  '北陸',
  '東海',
  '近畿',
  '四国',
  '西日本',
  '東日本',
  '日本',
  '全国',
  '極東',
  '南海',
];

const INDUSTRIES = [
  '電機',
  '化学',
  '製薬',
  '商事',
  '物産',
  '建設',
  '運輸',
  '情報システム',
  '食品',
  '印刷',
  '精機',
  '工業',
  '製作所',
  '自動車',
  '電子',
  '産業',
  '薬品',
  '物流',
  '不動産',
  '証券',
  '銀行',
  '通信',
  '鉄鋼',
  '繊維',
  '製紙',
  '石油',
  'ガス',
  '機械',
  '百貨店',
  '電設',
  'ソフトウェア',
  'エンジニアリング',
  '海運',
  '航空',
  '損害保険',
  '生命保険',
  '光学',
  '硝子',
  '重工業',
  '電線',
  '製菓',
  '酒造',
  '乳業',
  '製粉',
  '交通',
  '観光',
  '設備',
  'テクノ',
  'システムズ',
  'ホールディングス',
];

/** The prefecture's name without 都・府・県 (北海道 keeps its name): 東京都 → 東京. */
export function prefectureShortName(p: Prefecture): string {
  return p.code === '01' ? p.name : p.name.slice(0, -1);
}

/** A full insurer number from its leading digits (7 for 8-digit numbers, 5 for 国保), check digit appended. */
export function withCheckDigit(leading: string): string {
  return `${leading}${String(insurerNumberCheckDigit(leading))}`;
}

function pad3(n: number): string {
  return String(n).padStart(3, '0');
}

/** Where 健保組合 are seated: Tokyo, Osaka and Aichi hold most of them; the rest follow population. */
function kumiaiPrefectureTable(prefectures: Prefecture[]): Float64Array {
  const total = prefectures.reduce((s, p) => s + p.population, 0);
  return cumulative(
    prefectures.map((p) => {
      const base = (0.4 * p.population) / total;
      if (p.code === '13') {
        return base + 0.4;
      }
      if (p.code === '27') {
        return base + 0.12;
      }
      if (p.code === '23') {
        return base + 0.08;
      }
      return base;
    }),
  );
}

function makeKumiai(rng: Random, count: number, prefectures: Prefecture[]): GeneratedInsurer[] {
  const table = kumiaiPrefectureTable(prefectures);
  const nextSerial = new Map<string, number>();
  const names = new Set<string>();
  const out: GeneratedInsurer[] = [];
  for (let i = 0; i < count; i++) {
    let p = prefectures[rng.pick(table)] ?? prefectures[0];
    let serial = nextSerial.get(p?.code ?? '') ?? 1;
    if (serial > 999) {
      // A prefecture's 3-digit range is full: seat the union in the least used prefecture instead.
      p = prefectures.reduce((best, q) =>
        (nextSerial.get(q.code) ?? 1) < (nextSerial.get(best.code) ?? 1) ? q : best,
      );
      serial = nextSerial.get(p.code) ?? 1;
    }
    if (!p) {
      throw new Error('no prefecture');
    }
    nextSerial.set(p.code, serial + 1);
    let name = '';
    for (let attempt = 0; name === '' || names.has(name); attempt++) {
      const industry = INDUSTRIES[rng.int(INDUSTRIES.length)] ?? '';
      // About one in five is an industry-wide 総合健保 named after its prefecture (e.g. 大阪薬品健康保険組合).
      const stem = rng.chance(0.2) ? prefectureShortName(p) : (COMPANY_STEMS[rng.int(COMPANY_STEMS.length)] ?? '');
      // Combinations run out only for very large counts; then a serial keeps the names apart.
      name = `${stem}${industry}${attempt >= 50 ? String(attempt) : ''}健康保険組合`;
    }
    names.add(name);
    out.push({
      insurerNumber: withCheckDigit(`06${p.code}${pad3(serial)}`),
      name,
      scheme: 'kumiai',
      prefecture: p.code,
      branch: null,
      municipality: null,
    });
  }
  return out;
}

/**
 * All synthetic insurers in a fixed order (協会けんぽ, 健保組合, 共済, 国保, 国保組合, 後期). Deterministic: the same
 * seed and count give the same list.
 */
export function generateInsurers(options: InsurerOptions): GeneratedInsurer[] {
  const { prefectures, municipalities } = facts();
  const rng = new Random(seedToUint32(options.seed), 0x1_0000);
  const kumiaiCount = options.kumiaiCount ?? DEFAULT_KUMIAI_COUNT;
  if (!Number.isInteger(kumiaiCount) || kumiaiCount < 1 || kumiaiCount > 47 * 999) {
    throw new RangeError(`kumiaiCount must be an integer from 1 to ${47 * 999}: ${String(kumiaiCount)}`);
  }
  const out: GeneratedInsurer[] = [];
  for (const p of prefectures) {
    out.push({
      insurerNumber: p.kyokaiInsurerNumber,
      name: `全国健康保険協会${prefectureShortName(p)}支部`,
      scheme: 'kyokai',
      prefecture: p.code,
      branch: `${prefectureShortName(p)}支部`,
      municipality: null,
    });
  }
  out.push(...makeKumiai(rng, kumiaiCount, prefectures));

  const kyosai = (leading: string, name: string, prefecture: string): GeneratedInsurer => ({
    insurerNumber: withCheckDigit(leading),
    name,
    scheme: 'kyosai',
    prefecture,
    branch: null,
    municipality: null,
  });
  NATIONAL_KYOSAI.forEach((name, i) => out.push(kyosai(`3113${pad3(i + 1)}`, name, '13')));
  for (const p of prefectures) {
    out.push(kyosai(`32${p.code}001`, `地方職員共済組合${prefectureShortName(p)}支部`, p.code));
    out.push(kyosai(`32${p.code}002`, `${p.name}市町村職員共済組合`, p.code));
    out.push(kyosai(`33${p.code}001`, `${p.name}警察職員共済組合`, p.code));
    out.push(kyosai(`34${p.code}001`, `公立学校共済組合${prefectureShortName(p)}支部`, p.code));
  }
  out.push(kyosai('3413002', '日本私立学校振興・共済事業団', '13'));

  const serials = new Map<string, number>();
  for (const m of municipalities) {
    const serial = (serials.get(m.prefectureCode) ?? 0) + 1;
    serials.set(m.prefectureCode, serial);
    out.push({
      insurerNumber: withCheckDigit(`${m.prefectureCode}${pad3(serial)}`),
      name: `${m.name}国民健康保険`,
      scheme: 'kokuho',
      prefecture: m.prefectureCode,
      branch: null,
      municipality: m.name,
    });
  }
  for (const p of prefectures) {
    // 国保組合 numbers have "3" as their third digit (rules.md §1.1 [S6b]).
    const trades = ['医師', '歯科医師', '建設'];
    trades.forEach((trade, i) => {
      out.push({
        insurerNumber: withCheckDigit(`${p.code}30${String(i + 1)}`),
        name: `${p.name}${trade}国民健康保険組合`,
        scheme: 'kokuhoKumiai',
        prefecture: p.code,
        branch: null,
        municipality: null,
      });
    });
  }
  for (const p of prefectures) {
    out.push({
      insurerNumber: withCheckDigit(`39${p.code}101`),
      name: `${p.name}後期高齢者医療広域連合`,
      scheme: 'lateElderly',
      prefecture: p.code,
      branch: null,
      municipality: null,
    });
  }
  return out;
}
