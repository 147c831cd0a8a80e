import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { addDays, addYears } from '@onshi/core';
import { call, download, type Bilingual } from '../api.js';
import { bi, useLang } from '../i18n.js';
import {
  DV_FLAGS,
  LOSS_REASONS,
  attributeLabel,
  cardKindLabel,
  cardStatusLabel,
  channelLabel,
  documentKindLabel,
  lossReasonLabel,
  memberKeyText,
  pdfName,
  relationshipLabel,
} from './format.js';
import { messageOf } from './session.js';
import type { DvFlag, History, IssuedDocument, LossReason, Member, Surroundings } from './types.js';

/*
 * A member's page (issue 9): the qualification with its history, dependants, documents issued, card and
 * 健康保険証利用登録, DV flags only as set / not set; and the actions — 資格喪失, add or remove a dependant, link a
 * My Number (only the last four digits are ever shown), issue a 資格確認書 or 資格情報のお知らせ and open its PDF,
 * set or clear a DV flag. Every action goes through the insurer API, which checks the rules and audits.
 */

interface Loaded {
  member: Member;
  history: History;
  around: Surroundings;
}

/** Outcome line of the last action (role=status, so screen readers hear it). */
interface Outcome {
  ok: boolean;
  text: Bilingual;
}

function Section({ id, title, children }: { id: string; title: Bilingual; children: ReactNode }) {
  const { t } = useLang();
  return (
    <section className="panel-section" data-section={id} aria-labelledby={`h-${id}`}>
      <h2 id={`h-${id}`}>{t(title)}</h2>
      {children}
    </section>
  );
}

function Field({ label, children }: { label: Bilingual; children: ReactNode }) {
  const { t } = useLang();
  return (
    <label>
      <span>{t(label)}</span>
      {children}
    </label>
  );
}

/** The member page for `memberId`; `onOpen` moves to another member (a dependant, the insured person). */
export function MemberPage({
  token,
  memberId,
  onOpen,
}: {
  token: string;
  memberId: string;
  onOpen: (memberId: string) => void;
}) {
  const { t } = useLang();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const [member, history, around] = await Promise.all([
      call<Member>(token, 'GET', `/insurer/v1/members/${memberId}`),
      call<History>(token, 'GET', `/insurer/v1/members/${memberId}/history`),
      call<Surroundings>(token, 'GET', `/insurer/v1/console/members/${memberId}/surroundings`),
    ]);
    setLoaded({ member, history, around });
  }, [token, memberId]);

  useEffect(() => {
    setLoaded(null);
    setOutcome(null);
    load().catch((error: unknown) => {
      setOutcome({ ok: false, text: messageOf(error) });
    });
  }, [load]);

  /** Runs one action, then reloads the page and says what happened. */
  const run = async <T,>(done: Bilingual, action: () => Promise<T>): Promise<{ value: T } | null> => {
    setBusy(true);
    try {
      const value = await action();
      await load();
      setOutcome({ ok: true, text: done });
      return { value };
    } catch (error) {
      setOutcome({ ok: false, text: messageOf(error) });
      return null;
    } finally {
      setBusy(false);
    }
  };
  const act = async (done: Bilingual, action: () => Promise<unknown>): Promise<boolean> =>
    (await run(done, action)) !== null;

  if (loaded === null) {
    return (
      <div className="member-page">
        {outcome !== null ? (
          <p className="banner" role="alert">
            {t(outcome.text)}
          </p>
        ) : (
          <p role="status">{t(bi('読み込み中…', 'Loading…'))}</p>
        )}
      </div>
    );
  }
  const { member, history, around } = loaded;
  const today = member.asOf;
  const lost = member.lostOn !== null && member.lostOn <= today;

  return (
    <div className="member-page" data-member={member.memberId}>
      <section className="panel-section member-head" aria-labelledby="h-member">
        <h1 id="h-member">
          {member.person.nameKanji} <small>{member.person.nameKana}</small>
        </h1>
        <dl className="facts">
          <dt>{t(bi('記号・番号（枝番）', 'Symbol, number (branch)'))}</dt>
          <dd data-field="memberKey">{memberKeyText(member)}</dd>
          <dt>{t(bi('本人・家族', 'Relationship'))}</dt>
          <dd>{t(relationshipLabel(member.relationship))}</dd>
          <dt>{t(bi('生年月日', 'Birth date'))}</dt>
          <dd>{member.person.birthDate}</dd>
          <dt>{t(bi('資格', 'Qualification'))}</dt>
          <dd data-field="status">
            {lost ? (
              <span className="warn">
                {t(bi('喪失', 'Lost'))} {member.lostOn} （{t(lossReasonLabel(member.lossReason))}）
              </span>
            ) : (
              <span className="badge">{t(bi('資格あり', 'Qualified'))}</span>
            )}{' '}
            {t(bi('取得日', 'acquired'))} {member.acquiredOn}
            {member.lostOn !== null && !lost ? ` — ${t(bi('喪失予定', 'ends'))} ${member.lostOn}` : ''}
          </dd>
          <dt>{t(bi('適用中の区分', 'In force'))}</dt>
          <dd>{member.attributes.map((a) => t(attributeLabel(a))).join(' ／ ') || '—'}</dd>
          {around.insured !== null ? (
            <>
              <dt>{t(bi('被保険者（本人）', 'Insured person'))}</dt>
              <dd>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    if (around.insured !== null) {
                      onOpen(around.insured.memberId);
                    }
                  }}
                >
                  {around.insured.nameKanji}
                </button>
              </dd>
            </>
          ) : null}
        </dl>
        <p role="status" className={outcome === null ? 'outcome' : outcome.ok ? 'outcome ok' : 'outcome refused'}>
          {outcome === null ? '' : t(outcome.text)}
        </p>
      </section>

      <div className="member-grid">
        <Section id="history" title={bi('資格の履歴', 'Qualification history')}>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">{t(bi('記号・番号（枝番）', 'Symbol, number (branch)'))}</th>
                <th scope="col">{t(bi('本人・家族', 'Relationship'))}</th>
                <th scope="col">{t(bi('取得日', 'Acquired'))}</th>
                <th scope="col">{t(bi('喪失日', 'Lost'))}</th>
              </tr>
            </thead>
            <tbody>
              {history.qualifications.map((q) => (
                <tr key={q.memberId} aria-current={q.memberId === member.memberId ? 'true' : undefined}>
                  <td>{memberKeyText(q)}</td>
                  <td>{t(relationshipLabel(q.relationship))}</td>
                  <td>{q.acquiredOn}</td>
                  <td>{q.lostOn ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">{t(bi('区分', 'Attribute'))}</th>
                <th scope="col">{t(bi('適用開始', 'From'))}</th>
                <th scope="col">{t(bi('適用終了', 'To'))}</th>
                <th scope="col">{t(bi('記録', 'Recorded'))}</th>
              </tr>
            </thead>
            <tbody>
              {history.attributes.map((a) => (
                <tr key={a.id} className={a.supersededAt === null ? '' : 'superseded'}>
                  <td>
                    {t(attributeLabel(a))}
                    {a.supersededAt === null ? '' : ` (${t(bi('訂正済み', 'superseded'))})`}
                  </td>
                  <td>{a.validFrom}</td>
                  <td>{a.validTo ?? '—'}</td>
                  <td>{a.recordedAt.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section id="card" title={bi('マイナンバー・カード・利用登録', 'My Number, card and registration')}>
          <dl className="facts">
            <dt>{t(bi('マイナンバー', 'My Number'))}</dt>
            <dd data-field="individualNumber">
              {member.individualNumberLast4 === null
                ? t(bi('未登録', 'Not linked'))
                : `＊＊＊＊ ＊＊＊＊ ${member.individualNumberLast4}`}
            </dd>
            <dt>{t(bi('健康保険証利用登録', 'Registered for insurance use'))}</dt>
            <dd data-field="registration">
              {around.registration === null
                ? t(bi('未登録', 'Not registered'))
                : `${t(bi('登録済み', 'Registered'))} ${around.registration.registeredOn}（${t(channelLabel(around.registration.channel))}）`}
            </dd>
            {around.cards.map((c, i) => (
              <CardRow key={i} kind={c.kind} status={c.status} expiresOn={c.expiresOn} />
            ))}
          </dl>
          {member.individualNumberLast4 === null ? (
            <LinkNumberForm
              busy={busy}
              onLink={(individualNumber) =>
                act(bi('マイナンバーを登録しました。', 'The My Number was linked.'), () =>
                  call(token, 'POST', `/insurer/v1/members/${member.memberId}/individual-number`, {
                    individualNumber,
                  }),
                )
              }
            />
          ) : null}
        </Section>

        <Section id="dv-flags" title={bi('DV等支援措置のフラグ', 'Protection flags')}>
          <p className="hint">
            {t(
              bi(
                '設定の有無だけを表示します。理由は表示しません。',
                'Only whether a flag is in force is shown, never why.',
              ),
            )}
          </p>
          <DvFlags
            today={today}
            busy={busy}
            flags={around.dvFlags}
            onSet={(flag, on) =>
              act(bi('フラグを設定しました。', 'The flag was set.'), () =>
                call(token, 'POST', `/insurer/v1/members/${member.memberId}/dv-flags`, { flag, setOn: on }),
              )
            }
            onClear={(flag, on) =>
              act(bi('フラグを解除しました。', 'The flag was cleared.'), () =>
                call(token, 'POST', `/insurer/v1/members/${member.memberId}/dv-flags/${flag}/clear`, {
                  clearedOn: on,
                }),
              )
            }
          />
        </Section>

        {member.relationship === 'insured' ? (
          <Section id="dependants" title={bi('被扶養者', 'Dependants')}>
            <Dependants
              around={around}
              today={today}
              busy={busy}
              onOpen={onOpen}
              onRemove={(dependantId, lostOn) =>
                act(bi('被扶養者を削除しました（資格喪失）。', 'The dependant was removed (loss recorded).'), () =>
                  call(token, 'POST', `/insurer/v1/members/${dependantId}/loss`, { lostOn, lossReason: '99' }),
                )
              }
            />
            {lost ? null : (
              <AddDependantForm
                member={member}
                today={today}
                busy={busy}
                onAdd={(body) =>
                  act(bi('被扶養者を追加しました。', 'The dependant was added.'), () =>
                    call(token, 'POST', `/insurer/v1/members/${member.memberId}/dependants`, body),
                  )
                }
              />
            )}
          </Section>
        ) : null}

        <Section id="documents" title={bi('発行した書類', 'Documents issued')}>
          <DocumentTable
            token={token}
            documents={history.documents}
            onError={(text) => {
              setOutcome({ ok: false, text });
            }}
          />
          {lost ? null : (
            <IssueForm
              today={today}
              busy={busy}
              onIssue={async (body) => {
                const issued = await run(bi('書類を発行しました。', 'The document was issued.'), () =>
                  call<IssuedDocument>(token, 'POST', `/insurer/v1/members/${member.memberId}/documents`, body),
                );
                if (issued !== null) {
                  const doc = issued.value;
                  await download(token, doc.pdf, pdfName(doc.kind, doc.documentId)).catch((error: unknown) => {
                    setOutcome({ ok: false, text: messageOf(error) });
                  });
                }
              }}
            />
          )}
        </Section>

        {lost ? null : (
          <Section id="loss" title={bi('資格喪失', 'Loss of qualification')}>
            <LossForm
              today={today}
              busy={busy}
              hasDependants={around.dependants.some((d) => d.lostOn === null || d.lostOn > today)}
              onLoss={(lostOn, lossReason) =>
                act(bi('資格喪失を登録しました。', 'The loss was recorded.'), () =>
                  call(token, 'POST', `/insurer/v1/members/${member.memberId}/loss`, { lostOn, lossReason }),
                )
              }
            />
          </Section>
        )}
      </div>
    </div>
  );
}

function CardRow({ kind, status, expiresOn }: { kind: string; status: string; expiresOn: string }) {
  const { t } = useLang();
  return (
    <>
      <dt>{t(cardKindLabel(kind))}</dt>
      <dd data-field="card">
        {t(cardStatusLabel(status))} — {t(bi('有効期限', 'expires'))} {expiresOn}
      </dd>
    </>
  );
}

function LinkNumberForm({ busy, onLink }: { busy: boolean; onLink: (n: string) => Promise<boolean> }) {
  const { t } = useLang();
  const [value, setValue] = useState('');
  return (
    <form
      className="form"
      data-form="individual-number"
      onSubmit={(e) => {
        e.preventDefault();
        void onLink(value.replace(/[\s-]/g, '')).then((ok) => {
          if (ok) {
            setValue('');
          }
        });
      }}
    >
      <Field label={bi('マイナンバー（12桁）', 'My Number (12 digits)')}>
        <input
          name="individualNumber"
          inputMode="numeric"
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
          }}
        />
      </Field>
      <button type="submit" disabled={busy || value.trim() === ''}>
        {t(bi('マイナンバーを登録', 'Link My Number'))}
      </button>
    </form>
  );
}

function DvFlags({
  today,
  busy,
  flags,
  onSet,
  onClear,
}: {
  today: string;
  busy: boolean;
  flags: Record<DvFlag, boolean>;
  onSet: (flag: DvFlag, on: string) => Promise<boolean>;
  onClear: (flag: DvFlag, on: string) => Promise<boolean>;
}) {
  const { t } = useLang();
  const [on, setOn] = useState(today);
  return (
    <div>
      <div className="form">
        <Field label={bi('設定日・解除日', 'Date')}>
          <input
            type="date"
            name="dvFlagDate"
            value={on}
            onChange={(e) => {
              setOn(e.target.value);
            }}
          />
        </Field>
      </div>
      <table className="grid">
        <tbody>
          {DV_FLAGS.map(({ flag, label }) => (
            <tr key={flag} data-flag={flag} data-set={flags[flag] ? 'yes' : 'no'}>
              <th scope="row">{t(label)}</th>
              <td>{flags[flag] ? t(bi('設定あり', 'Set')) : t(bi('設定なし', 'Not set'))}</td>
              <td>
                {flags[flag] ? (
                  <button type="button" disabled={busy} onClick={() => void onClear(flag, on)}>
                    {t(bi('解除する', 'Clear'))}
                  </button>
                ) : (
                  <button type="button" disabled={busy} onClick={() => void onSet(flag, on)}>
                    {t(bi('設定する', 'Set'))}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Dependants({
  around,
  today,
  busy,
  onOpen,
  onRemove,
}: {
  around: Surroundings;
  today: string;
  busy: boolean;
  onOpen: (memberId: string) => void;
  onRemove: (dependantId: string, lostOn: string) => Promise<boolean>;
}) {
  const { t } = useLang();
  if (around.dependants.length === 0) {
    return <p>{t(bi('被扶養者はいません。', 'No dependants.'))}</p>;
  }
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">{t(bi('氏名', 'Name'))}</th>
          <th scope="col">{t(bi('枝番', 'Branch'))}</th>
          <th scope="col">{t(bi('生年月日', 'Birth date'))}</th>
          <th scope="col">{t(bi('資格', 'Qualification'))}</th>
          <th scope="col">
            <span className="visually-hidden">{t(bi('操作', 'Actions'))}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {around.dependants.map((d) => {
          const active = d.lostOn === null || d.lostOn > today;
          return (
            <tr key={d.memberId} data-dependant={d.memberId}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    onOpen(d.memberId);
                  }}
                >
                  {d.nameKanji}
                </button>{' '}
                <small>{d.nameKana}</small>
              </td>
              <td>{d.branch ?? '—'}</td>
              <td>{d.birthDate}</td>
              <td>
                {d.acquiredOn} 〜 {d.lostOn ?? ''}
              </td>
              <td>
                {active ? (
                  <button type="button" disabled={busy} onClick={() => void onRemove(d.memberId, today)}>
                    {t(bi('削除（本日喪失）', 'Remove (loss today)'))}
                  </button>
                ) : (
                  t(bi('喪失済み', 'Lost'))
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AddDependantForm({
  member,
  today,
  busy,
  onAdd,
}: {
  member: Member;
  today: string;
  busy: boolean;
  onAdd: (body: unknown) => Promise<boolean>;
}) {
  const { t } = useLang();
  const empty = { nameKanji: '', nameKana: '', birthDate: '', sex: 'female', branch: '', acquiredOn: today };
  const [f, setF] = useState(empty);
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => {
    setF({ ...f, [key]: e.target.value });
  };
  return (
    <form
      className="form"
      data-form="add-dependant"
      onSubmit={(e) => {
        e.preventDefault();
        void onAdd({
          person: {
            kind: 'new',
            nameKanji: f.nameKanji,
            nameKana: f.nameKana,
            birthDate: f.birthDate,
            sex: f.sex,
            address: member.person.address,
            postalCode: member.person.postalCode,
            prefecture: member.person.prefecture,
          },
          ...(f.branch === '' ? {} : { branch: f.branch }),
          acquiredOn: f.acquiredOn,
        }).then((ok) => {
          if (ok) {
            setF(empty);
          }
        });
      }}
    >
      <Field label={bi('氏名', 'Name')}>
        <input name="nameKanji" required value={f.nameKanji} onChange={set('nameKanji')} />
      </Field>
      <Field label={bi('カナ氏名', 'Name (kana)')}>
        <input name="nameKana" required value={f.nameKana} onChange={set('nameKana')} />
      </Field>
      <Field label={bi('生年月日', 'Birth date')}>
        <input type="date" name="birthDate" required value={f.birthDate} onChange={set('birthDate')} />
      </Field>
      <Field label={bi('性別', 'Sex')}>
        <select name="sex" value={f.sex} onChange={set('sex')}>
          <option value="female">{t(bi('女', 'Female'))}</option>
          <option value="male">{t(bi('男', 'Male'))}</option>
          <option value="unset">{t(bi('未設定', 'Unset'))}</option>
        </select>
      </Field>
      <Field label={bi('枝番（2桁）', 'Branch (2 digits)')}>
        <input name="branch" inputMode="numeric" pattern="\d{2}" value={f.branch} onChange={set('branch')} />
      </Field>
      <Field label={bi('資格取得日', 'Acquired on')}>
        <input type="date" name="acquiredOn" required value={f.acquiredOn} onChange={set('acquiredOn')} />
      </Field>
      <p className="hint">{t(bi('住所は被保険者と同じです。', "The address is the insured person's."))}</p>
      <button type="submit" disabled={busy}>
        {t(bi('被扶養者を追加', 'Add dependant'))}
      </button>
    </form>
  );
}

function DocumentTable({
  token,
  documents,
  onError,
}: {
  token: string;
  documents: IssuedDocument[];
  onError: (text: Bilingual) => void;
}) {
  const { t } = useLang();
  if (documents.length === 0) {
    return <p>{t(bi('発行した書類はありません。', 'No documents issued.'))}</p>;
  }
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">{t(bi('書類', 'Document'))}</th>
          <th scope="col">{t(bi('発行日', 'Issued'))}</th>
          <th scope="col">{t(bi('有効期間', 'Valid'))}</th>
          <th scope="col">PDF</th>
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <tr key={d.documentId} data-document={d.kind}>
            <td>{t(documentKindLabel(d.kind))}</td>
            <td>{d.issuedOn}</td>
            <td>
              {d.validFrom} 〜 {d.validTo ?? ''}
            </td>
            <td>
              <button
                type="button"
                onClick={() => {
                  download(token, d.pdf, pdfName(d.kind, d.documentId)).catch((error: unknown) => {
                    onError(messageOf(error));
                  });
                }}
              >
                {t(bi('PDFを開く', 'Open PDF'))}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IssueForm({
  today,
  busy,
  onIssue,
}: {
  today: string;
  busy: boolean;
  onIssue: (body: unknown) => Promise<void>;
}) {
  const { t } = useLang();
  const [kind, setKind] = useState<'eligibilityCertificate' | 'qualificationNotice'>('eligibilityCertificate');
  const [validTo, setValidTo] = useState(addDays(addYears(today, 1), -1));
  return (
    <form
      className="form"
      data-form="issue-document"
      onSubmit={(e) => {
        e.preventDefault();
        void onIssue(
          kind === 'eligibilityCertificate'
            ? { kind, validTo, issuedOn: today, onRequest: true }
            : { kind, issuedOn: today, onRequest: true },
        );
      }}
    >
      <Field label={bi('書類', 'Document')}>
        <select
          name="kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value === 'qualificationNotice' ? 'qualificationNotice' : 'eligibilityCertificate');
          }}
        >
          <option value="eligibilityCertificate">{t(documentKindLabel('eligibilityCertificate'))}</option>
          <option value="qualificationNotice">{t(documentKindLabel('qualificationNotice'))}</option>
        </select>
      </Field>
      {kind === 'eligibilityCertificate' ? (
        <Field label={bi('有効期限（5年以内）', 'Valid to (≤ 5 years)')}>
          <input
            type="date"
            name="validTo"
            value={validTo}
            onChange={(e) => {
              setValidTo(e.target.value);
            }}
          />
        </Field>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {t(bi('発行してPDFを開く', 'Issue and open the PDF'))}
      </button>
    </form>
  );
}

function LossForm({
  today,
  busy,
  hasDependants,
  onLoss,
}: {
  today: string;
  busy: boolean;
  hasDependants: boolean;
  onLoss: (lostOn: string, reason: LossReason) => Promise<boolean>;
}) {
  const { t } = useLang();
  const [lostOn, setLostOn] = useState(today);
  const [reason, setReason] = useState<LossReason>('03');
  return (
    <form
      className="form"
      data-form="loss"
      onSubmit={(e) => {
        e.preventDefault();
        void onLoss(lostOn, reason);
      }}
    >
      <Field label={bi('喪失日', 'Lost on')}>
        <input
          type="date"
          name="lostOn"
          value={lostOn}
          onChange={(e) => {
            setLostOn(e.target.value);
          }}
        />
      </Field>
      <Field label={bi('喪失事由', 'Reason')}>
        <select
          name="lossReason"
          value={reason}
          onChange={(e) => {
            setReason(LOSS_REASONS.find((r) => r.value === e.target.value)?.value ?? '99');
          }}
        >
          {LOSS_REASONS.map((r) => (
            <option key={r.value} value={r.value}>
              {t(r.label)}
            </option>
          ))}
        </select>
      </Field>
      {hasDependants ? (
        <p className="hint">
          {t(bi('被扶養者も同じ日に資格を喪失します。', 'The dependants lose their qualification the same day.'))}
        </p>
      ) : null}
      <button type="submit" className="danger" disabled={busy}>
        {t(bi('資格喪失を登録', 'Record the loss'))}
      </button>
    </form>
  );
}
