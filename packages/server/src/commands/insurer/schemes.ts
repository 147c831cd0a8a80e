import { rateSchemeOf } from '@onshi/core';
import type { DocumentScheme } from '../../documents/types.js';
import type { Scheme } from '../../store/types.js';

/**
 * How an insurer's 制度 maps onto the document layout (documents-and-screens.md §1.2). 日雇特例 is run by 協会けんぽ,
 * 自衛官等 by 防衛省共済, 特例退職 by 健保組合/共済 (treated as 組合), so their documents take that layout (decision
 * 0083). The co-pay rate scheme is core's `rateSchemeOf`.
 */
export { rateSchemeOf };

/** The document layout of a scheme. */
export function documentSchemeOf(scheme: Scheme): DocumentScheme {
  switch (scheme) {
    case 'dayLabourer':
      return 'kyokai';
    case 'selfDefenseForces':
      return 'kyosai';
    case 'specialRetiree':
      return 'kumiai';
    case 'kokuhoRetiree':
      return 'kokuho';
    case 'kyokai':
    case 'seninHoken':
    case 'kumiai':
    case 'kyosai':
    case 'kokuho':
    case 'kokuhoKumiai':
    case 'lateElderly':
      return scheme;
  }
}

/** 国保 and 後期 have no dependants: every member is insured (国保法5条, 高確法50条). */
export function schemeHasDependants(scheme: Scheme): boolean {
  return rateSchemeOf(scheme) === 'employee';
}
