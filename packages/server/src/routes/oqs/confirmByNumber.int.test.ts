import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { addInstitution, addMember, institutionCodeFor } from '../../testing/oqsFactories.js';

const CODE = institutionCodeFor();

function searchBody(info: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageHeader: { medicalInstitutionCode: CODE, arbitraryFileIdentifier: 'req-1' },
    messageBody: { qualificationConfirmSearchInfo: info },
    ...extra,
  };
}

const YAMADA = {
  insurerNumber: '01130012',
  insuredCardSymbol: '1234',
  insuredIdentificationNumber: '567',
  insuredBranchNumber: '00',
  birthdate: '19800401',
};

describe('confirmation by number (issue 6; oqs-interface.md §3, §8 OQSCD006)', () => {
  let server: TestServer;
  let auth: string;

  beforeEach(async () => {
    server = await createTestServer({ at: '2026-03-02T01:00:00Z' });
    await addInstitution(server.ctx, { institutionCode: CODE });
    auth = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
  });
  afterEach(async () => {
    await server.close();
  });

  async function confirm(body: Record<string, unknown>, query = '') {
    return server.app.inject({
      method: 'POST',
      url: `/oqs/v1/qualification-confirmations${query}`,
      headers: { authorization: auth },
      payload: body,
    });
  }

  it('a valid qualification: QualificationValidity 1, 負担割合 "030", every field the store holds, a proof of check', async () => {
    await addMember(server.ctx);
    const res = await confirm(searchBody(YAMADA));
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json.messageHeader).toMatchObject({
      medicalInstitutionCode: CODE,
      arbitraryFileIdentifier: 'req-1',
      segmentOfResult: '1',
      qualificationConfirmationDate: '20260302',
      referenceClassification: '2',
    });
    expect(json.messageBody.qualificationValidity).toBe('1');
    expect(json.messageBody.processingResultStatus).toBe('1');
    const [result] = json.messageBody.resultList;
    expect(result).toMatchObject({
      insurerNumber: '01130012',
      insuredCardSymbol: '1234',
      insuredIdentificationNumber: '567',
      insuredBranchNumber: '00',
      personalFamilyClassification: '1',
      name: '山田 太郎',
      nameKana: 'ﾔﾏﾀﾞ ﾀﾛｳ',
      birthdate: '19800401',
      address: '東京都千代田区霞が関1-2-2',
      postNumber: '100-0013',
      insuredPartialContributionRatio: '030',
      insurerName: '全国健康保険協会 東京支部',
      limitApplicationCertificateRelatedConsFlg: '1',
    });
    expect(json.proofOfCheck).toMatch(/^oqsp1\./);
    expect(res.headers['onshi-proof-of-check']).toBe(json.proofOfCheck);
  });

  it('the proof of check verifies, and a tampered one fails (issue 6 "Trust and privacy")', async () => {
    const { person } = await addMember(server.ctx);
    const proof: string = (await confirm(searchBody(YAMADA))).json().proofOfCheck;
    const verify = (proofOfCheck: string) =>
      server.app.inject({
        method: 'POST',
        url: '/oqs/v1/proofs/verify',
        headers: { authorization: auth },
        payload: { proofOfCheck },
      });
    const good = (await verify(proof)).json();
    expect(good).toMatchObject({ valid: true, institutionCode: CODE, personId: person.id, method: 'number' });
    const [prefix, payload, mac] = proof.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), i: institutionCodeFor('27') }),
    ).toString('base64url');
    expect((await verify(`${prefix}.${forged}.${mac}`)).json()).toEqual({ valid: false });
  });

  it('lost qualification, nothing newer: QualificationValidity 2 with the 喪失 date', async () => {
    await addMember(server.ctx, { lostOn: '2026-02-01' });
    const json = (await confirm(searchBody(YAMADA))).json();
    expect(json.messageBody.qualificationValidity).toBe('2');
    expect(json.messageBody.resultList[0]).toMatchObject({ disqualificationDate: '20260201', reasonOfLoss: '03' });
    expect(json.proofOfCheck).toBeUndefined();
  });

  it('lost, but the person has a newer qualification: QualificationValidity 3', async () => {
    const { person } = await addMember(server.ctx, { lostOn: '2026-02-01' });
    await addMember(server.ctx, {
      personId: person.id,
      insurerNumber: '06139999',
      symbol: '9',
      number: '1',
      acquiredOn: '2026-02-01',
    });
    const json = (await confirm(searchBody(YAMADA))).json();
    expect(json.messageBody.qualificationValidity).toBe('3');
  });

  it('no match (wrong birth date): QualificationValidity 4 with OQS-E-NO-QUALIFICATION', async () => {
    await addMember(server.ctx);
    const json = (await confirm(searchBody({ ...YAMADA, birthdate: '19800402' }))).json();
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '4',
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-NO-QUALIFICATION',
    });
    expect(json.messageBody.resultList).toBeUndefined();
  });

  it('several persons match (twins without 枝番): QualificationValidity 5', async () => {
    await addMember(server.ctx, { branch: null, nameKanji: '山田 一郎' });
    await addMember(server.ctx, { branch: null, nameKanji: '山田 二郎' });
    const { insuredBranchNumber: _omit, ...withoutBranch } = YAMADA;
    const json = (await confirm(searchBody(withoutBranch))).json();
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '5',
      processingResultCode: 'OQS-E-MULTIPLE-MATCHES',
    });
  });

  it('without 枝番 (a card printed before 枝番, rules.md §1.2 [S8]) the birth date picks the family member', async () => {
    await addMember(server.ctx, { branch: '00', nameKanji: '山田 太郎', birthDate: '1980-04-01' });
    await addMember(server.ctx, {
      branch: '01',
      nameKanji: '山田 花子',
      birthDate: '1982-09-09',
      relationship: 'dependant',
    });
    const { insuredBranchNumber: _omit, ...withoutBranch } = YAMADA;
    const json = (await confirm(searchBody({ ...withoutBranch, birthdate: '19820909' }))).json();
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '1',
      resultList: [{ name: '山田 花子', insuredBranchNumber: '01' }],
    });
    // Same-day twins under one 記号・番号 cannot be told apart without 枝番.
    await addMember(server.ctx, {
      branch: '02',
      nameKanji: '山田 桜',
      birthDate: '1982-09-09',
      relationship: 'dependant',
    });
    const twins = (await confirm(searchBody({ ...withoutBranch, birthdate: '19820909' }))).json();
    expect(twins.messageBody).toMatchObject({ qualificationValidity: '5' });
    // With its 枝番 the same search is exact.
    const exact = (await confirm(searchBody({ ...YAMADA, insuredBranchNumber: '02', birthdate: '19820909' }))).json();
    expect(exact.messageBody).toMatchObject({ qualificationValidity: '1', resultList: [{ name: '山田 桜' }] });
  });

  it('a 6-digit 国保 number sent space-padded to 8 matches, and is answered space-padded (oqs-interface.md §3)', async () => {
    await addMember(server.ctx, { insurerNumber: '138016', insurerName: '千代田区国民健康保険' });
    const json = (await confirm(searchBody({ ...YAMADA, insurerNumber: '  138016' }))).json();
    expect(json.messageBody.qualificationValidity).toBe('1');
    expect(json.messageBody.resultList[0].insurerNumber).toBe('138016');
  });

  it('記号・番号 match across widths (rules.md §1.2; width-folded member key)', async () => {
    await addMember(server.ctx, { symbol: '１２３４', number: '５６７' });
    const json = (await confirm(searchBody(YAMADA))).json();
    expect(json.messageBody.qualificationValidity).toBe('1');
    expect(json.messageBody.resultList[0].insuredCardSymbol).toBe('１２３４');
  });

  it('不開示該当フラグ: address and postal code are never returned (rules.md §8)', async () => {
    const { person } = await addMember(server.ctx);
    await server.ctx.store.dvFlags.set({
      personId: person.id,
      flag: 'nonDisclosure',
      setOn: '2025-01-01',
      setBy: null,
    });
    const result = (await confirm(searchBody(YAMADA))).json().messageBody.resultList[0];
    expect(result.name).toBe('山田 太郎');
    expect(result.address).toBeUndefined();
    expect(result.postNumber).toBeUndefined();
  });

  it('a message naming another institution is refused (every call is attributed to one institution)', async () => {
    await addMember(server.ctx);
    const body = searchBody(YAMADA);
    const res = await confirm({ ...body, messageHeader: { medicalInstitutionCode: institutionCodeFor('27') } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('OQS-E-FORBIDDEN');
  });

  it('without a credential: OQS-E-AUTH', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/qualification-confirmations',
      payload: searchBody(YAMADA),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('OQS-E-AUTH');
  });

  it('every confirmation is recorded and audited with the institution', async () => {
    const { person } = await addMember(server.ctx);
    const confirmationId: string = (await confirm(searchBody(YAMADA))).json().confirmationId;
    const rows = await server.ctx.store.audit.listByPerson(person.id, 10);
    expect(rows[0]).toMatchObject({
      actorKind: 'institution',
      actorId: CODE,
      action: 'oqs.confirm.number',
      target: confirmationId,
      outcome: 'allowed',
    });
    const recorded = await server.ctx.store.confirmations.listByInstitution(
      CODE,
      '2026-01-01T00:00:00Z',
      '2027-01-01T00:00:00Z',
    );
    expect(recorded.map((c) => [c.id, c.personId])).toEqual([[confirmationId, person.id]]);
  });

  it('FHIR R4: ?format=fhir gives a Bundle with JP Core Patient and Coverage', async () => {
    await addMember(server.ctx);
    const res = await confirm(searchBody(YAMADA), '?format=fhir');
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const bundle: { resourceType: string; entry: { resource: { resourceType: string } }[] } = res.json();
    expect(bundle.resourceType).toBe('Bundle');
    const kinds = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(kinds).toEqual(expect.arrayContaining(['Patient', 'Coverage']));
    expect(res.headers['onshi-proof-of-check']).toMatch(/^oqsp1\./);
  });
});

describe('the 暫定 measure by number: expired paper card or お知らせ alone (rules.md §5, test case 32)', () => {
  let server: TestServer;
  let auth: string;

  beforeEach(async () => {
    server = await createTestServer({ at: '2026-03-31T14:59:59Z' });
    await addInstitution(server.ctx, { institutionCode: CODE });
    auth = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    await addMember(server.ctx);
  });
  afterEach(async () => {
    await server.close();
  });

  const presentedCard = { presented: { kind: 'legacyInsuranceCard', printedExpiry: '2025-07-31' } };

  async function confirm(
    body: Record<string, unknown>,
  ): Promise<{ messageBody: Record<string, unknown>; proofOfCheck?: string }> {
    return (
      await server.app.inject({
        method: 'POST',
        url: '/oqs/v1/qualification-confirmations',
        headers: { authorization: auth },
        payload: body,
      })
    ).json();
  }

  it('2026-03-31 (last day, 23:59:59 JST): an expired paper card is accepted under the 暫定 measure', async () => {
    const json = await confirm(searchBody(YAMADA, presentedCard));
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '1',
      processingResultStatus: '1',
      processingResultCode: 'OQS-I-PROVISIONAL',
    });
  });

  it('2026-04-01 (00:00 JST): the same card is refused — 暫定 ended', async () => {
    server.clock.advance(1000);
    const json = await confirm(searchBody(YAMADA, presentedCard));
    expect(json.messageBody).toMatchObject({
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-PROVISIONAL-ENDED',
    });
    expect(json.messageBody.resultList).toBeUndefined();
    expect(json.proofOfCheck).toBeUndefined();
  });

  it('the お知らせ alone follows the same boundary (test case 33)', async () => {
    const alone = { presented: { kind: 'qualificationNoticeAlone' } };
    expect((await confirm(searchBody(YAMADA, alone))).messageBody.processingResultCode).toBe('OQS-I-PROVISIONAL');
    server.clock.advance(1000);
    expect((await confirm(searchBody(YAMADA, alone))).messageBody.processingResultCode).toBe('OQS-E-PROVISIONAL-ENDED');
  });

  it('a valid 資格確認書 is accepted; an expired one is refused with the rule’s message (rules.md §5 [S29])', async () => {
    const valid = await confirm(
      searchBody(YAMADA, { presented: { kind: 'eligibilityCertificate', validUntil: '2030-03-31' } }),
    );
    expect(valid.messageBody.qualificationValidity).toBe('1');
    const expired = await confirm(
      searchBody(YAMADA, { presented: { kind: 'eligibilityCertificate', validUntil: '2026-03-01' } }),
    );
    expect(expired.messageBody).toMatchObject({
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-DOCUMENT-NOT-ACCEPTED',
    });
    expect(expired.messageBody.processingResultMessage).toContain('資格確認書');
  });

  it('reader-failure ladder: card + お知らせ is accepted only while the reader is out of order (rules.md §5 [S31])', async () => {
    const ladder = { presented: { kind: 'cardWithQualificationNotice' } };
    expect((await confirm(searchBody(YAMADA, ladder))).messageBody.processingResultStatus).toBe('2');
    await server.ctx.store.institutions.setReaderStatus(CODE, 'outOfOrder');
    const person = (
      await server.ctx.store.qualifications.findByMemberKey({
        insurerNumber: '01130012',
        symbol: '1234',
        number: '567',
        branch: '00',
      })
    )[0]!;
    await server.ctx.store.cards.insert({
      personId: person.personId,
      kind: 'standard',
      platform: null,
      issuedOn: '2021-04-01',
      expiresOn: '2031-04-01',
      status: 'active',
      statusChangedOn: null,
    });
    const card = (await server.ctx.store.cards.listByPerson(person.personId))[0]!;
    await server.ctx.store.cards.register({
      personId: person.personId,
      cardId: card.id,
      registeredOn: '2021-04-01',
      channel: 'portal',
    });
    const json = await confirm(searchBody(YAMADA, ladder));
    expect(json.messageBody).toMatchObject({ processingResultStatus: '1', qualificationValidity: '1' });
  });
});

describe('OQS XML by number in both encodings (oqs-interface.md §1, §3)', () => {
  let server: TestServer;
  let auth: string;

  beforeEach(async () => {
    server = await createTestServer({ at: '2026-03-02T01:00:00Z' });
    await addInstitution(server.ctx, { institutionCode: CODE });
    auth = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    await addMember(server.ctx, { insurerNumber: '138016' });
  });
  afterEach(async () => {
    await server.close();
  });

  const xml = (encoding: string, extra = '') =>
    `<?xml version="1.0" encoding="${encoding}" standalone="no"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20260302</QualificationConfirmationDate>
<MedicalInstitutionCode>${CODE}</MedicalInstitutionCode><ArbitraryFileIdentifier>f-1</ArbitraryFileIdentifier></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>  138016</InsurerNumber><InsuredCardSymbol>１２３４</InsuredCardSymbol>
<InsuredIdentificationNumber>567</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber>
<Birthdate>19800401</Birthdate>${extra}</QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;

  async function post(payload: Buffer) {
    return server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/OQSsiquc01req',
      headers: { authorization: auth, 'content-type': 'application/xml' },
      payload,
    });
  }

  it('UTF-8 in, UTF-8 out, with the name and the space-padded 国保 number', async () => {
    const res = await post(Buffer.from(xml('UTF-8'), 'utf8'));
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toContain('encoding="UTF-8"');
    expect(text).toContain('<QualificationValidity>1</QualificationValidity>');
    expect(text).toContain('<InsurerNumber>  138016</InsurerNumber>');
    expect(text).toContain('<Name>山田 太郎</Name>');
    expect(text).toContain('<CharacterCodeIdentifier>0</CharacterCodeIdentifier>');
    expect(res.headers['onshi-proof-of-check']).toMatch(/^oqsp1\./);
  });

  it('Shift_JIS in, Shift_JIS out', async () => {
    const res = await post(iconv.encode(xml('Shift_JIS'), 'cp932'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('Shift_JIS');
    const text = iconv.decode(res.rawPayload, 'cp932');
    expect(text).toContain('<Name>山田 太郎</Name>');
    expect(text).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
  });

  it('malformed XML gets an XmlMsg with SegmentOfResult 9 and a coded error, never a crash', async () => {
    const res = await post(Buffer.from('<XmlMsg><MessageHeader>', 'utf8'));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<SegmentOfResult>9</SegmentOfResult>');
    expect(res.body).toContain('<ErrorCode>OQS-E-XML-MALFORMED</ErrorCode>');
  });

  it('the presented-document extension element (docs/api-oqs.md) reaches the rules', async () => {
    server.clock.set('2026-04-01T00:00:00Z');
    const extension =
      '<OnshiPresentedDocument><Kind>legacyInsuranceCard</Kind><PrintedExpiry>20250731</PrintedExpiry></OnshiPresentedDocument>';
    const res = await post(Buffer.from(xml('UTF-8', extension), 'utf8'));
    expect(res.body).toContain('<ProcessingResultCode>OQS-E-PROVISIONAL-ENDED</ProcessingResultCode>');
  });
});
