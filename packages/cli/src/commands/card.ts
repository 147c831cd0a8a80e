/**
 * `onshi card …`: the card authority's operations (J-LIS role, issue 5) on a local database — the same commands
 * the authority API runs (packages/server/src/commands/authority), audited as the CLI operator. Card, phone,
 * wallet and reader files hold private keys and are written with mode 0600. docs/api-authority.md lists them.
 */
import { type Command, Option } from 'commander';
import { isIsoDate, tokyoDate } from '@onshi/core';
import type { ServerContext } from '@onshi/server';
import { AuditLog } from '@onshi/server/audit/auditLog';
import { type AuthorityDeps, type CardView, cardView } from '@onshi/server/commands/authority/deps';
import { issueDemoWallet } from '@onshi/server/commands/authority/demoWallet';
import { listExpiryNotices } from '@onshi/server/commands/authority/expiryNotices';
import { type ChosenPins, type IssuedCardResult, issueCard } from '@onshi/server/commands/authority/issueCard';
import { issueReaderCertificate } from '@onshi/server/commands/authority/readerCertificates';
import { reissueCard } from '@onshi/server/commands/authority/reissueCard';
import { renewCertificate } from '@onshi/server/commands/authority/renewCertificate';
import { type ResettablePin, resetPin } from '@onshi/server/commands/authority/resetPin';
import { revokeCards } from '@onshi/server/commands/authority/revokeCards';
import { resumeCard, suspendCard } from '@onshi/server/commands/authority/suspendCard';
import { AppError } from '@onshi/server/http/errors';
import type { CardKind, PhonePlatform, RegistrationChannel } from '@onshi/server/store';
import { readCardFile, writeSecretJson } from '../card/imageFile.js';
import { defaultDb, openContext } from '../context.js';

/** What one `onshi card` action reports: lines for the terminal and the exit code. */
export interface CardOutcome {
  exitCode: number;
  lines: string[];
}

function describeCard(card: CardView): string {
  const live = card.certificates.filter((c) => c.revokedAt === null || c.revocationReason === 'certificateHold');
  const certificates = live.map((c) => `${c.kind} ${c.serial} to ${c.expiresOn}`).join(', ');
  const platform = card.platform === null ? '' : `/${card.platform}`;
  return (
    `card ${card.id} (${card.kind}${platform}) of ${card.personId}: ${card.status}, card to ${card.expiresOn}` +
    (certificates === '' ? '' : `; ${certificates}`)
  );
}

function cliDeps(ctx: ServerContext): AuthorityDeps {
  return { ctx, audit: new AuditLog(ctx.store, ctx.clock), actorId: 'cli' };
}

/**
 * Opens the database, runs `fn` and closes it; a coded refusal becomes exit code 1 with its Japanese and English
 * message (never a stack trace, never a PIN).
 */
export async function withAuthority(
  db: string,
  fn: (ctx: ServerContext, deps: AuthorityDeps) => Promise<string[]>,
  open: (db: string) => Promise<ServerContext> = openContext,
): Promise<CardOutcome> {
  const ctx = await open(db);
  try {
    return { exitCode: 0, lines: await fn(ctx, cliDeps(ctx)) };
  } catch (error) {
    if (error instanceof AppError) {
      const { ja, en } = error.entry.staff;
      const detail = error.detail === undefined ? '' : ` (${error.detail})`;
      return { exitCode: 1, lines: [`${error.code}: ${ja} / ${en}${detail}`] };
    }
    throw error;
  } finally {
    await ctx.store.close();
  }
}

function pinsFrom(opts: { pin?: string; signingPin?: string; cardInfoPin?: string }): ChosenPins | undefined {
  const pins: ChosenPins = {
    ...(opts.pin !== undefined ? { authentication: opts.pin } : {}),
    ...(opts.signingPin !== undefined ? { signing: opts.signingPin } : {}),
    ...(opts.cardInfoPin !== undefined ? { cardInfo: opts.cardInfoPin } : {}),
  };
  return Object.keys(pins).length === 0 ? undefined : pins;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got ${value}`);
  }
  return found;
}

async function handOver(result: IssuedCardResult, out: string): Promise<string[]> {
  await writeSecretJson(out, result.phone ?? result.image);
  return [describeCard(result.card), `card image written to ${out} (mode 0600; it is the card: keep it like one)`];
}

interface IssueOptions {
  person: string;
  kind: string;
  platform?: string;
  pin?: string;
  signingPin?: string;
  cardInfoPin?: string;
  linkedCard?: string;
  issuedOn?: string;
  register?: string;
  out: string;
}

/** `onshi card issue`. */
export function issueAction(db: string, opts: IssueOptions): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const kind = oneOf<CardKind>('--kind', opts.kind, ['standard', 'faceOnly', 'smartphone']) ?? 'standard';
    const platform = oneOf<PhonePlatform>('--platform', opts.platform, ['android', 'iphone']);
    const register = oneOf<RegistrationChannel>('--register', opts.register, ['reader', 'portal', 'atm', 'wardOffice']);
    const pins = pinsFrom(opts);
    const result = await ctx.store.transaction((tx) =>
      issueCard(deps, tx, {
        personId: opts.person,
        kind,
        ...(platform !== undefined ? { platform } : {}),
        ...(pins !== undefined ? { pins } : {}),
        ...(opts.linkedCard !== undefined ? { linkedCardId: opts.linkedCard } : {}),
        ...(opts.issuedOn !== undefined ? { issuedOn: opts.issuedOn } : {}),
        ...(register !== undefined ? { registerInsuranceUse: register } : {}),
      }),
    );
    return handOver(result, opts.out);
  });
}

/** `onshi card renew`: the image file is updated in place. */
export function renewAction(db: string, opts: { card: string; image: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const file = await readCardFile(opts.image);
    const result = await ctx.store.transaction((tx) =>
      renewCertificate(deps, tx, { cardId: opts.card, image: file.chip }),
    );
    await writeSecretJson(opts.image, file.wrap(result.image));
    return [describeCard(result.card), `card image updated: ${opts.image}`];
  });
}

/** `onshi card reissue`. */
export function reissueAction(
  db: string,
  opts: {
    card: string;
    kind?: string;
    pin?: string;
    signingPin?: string;
    cardInfoPin?: string;
    register?: string;
    out: string;
  },
): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const kind = oneOf<'standard' | 'faceOnly'>('--kind', opts.kind, ['standard', 'faceOnly']);
    const register = oneOf<RegistrationChannel>('--register', opts.register, ['reader', 'portal', 'atm', 'wardOffice']);
    const pins = pinsFrom(opts);
    const result = await ctx.store.transaction((tx) =>
      reissueCard(deps, tx, {
        cardId: opts.card,
        ...(kind !== undefined ? { kind } : {}),
        ...(pins !== undefined ? { pins } : {}),
        ...(register !== undefined ? { registerInsuranceUse: register } : {}),
      }),
    );
    return [`card ${opts.card}: lost, certificates revoked`, ...(await handOver(result, opts.out))];
  });
}

/** `onshi card suspend`. */
export function suspendAction(db: string, opts: { card: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => [
    describeCard(await ctx.store.transaction((tx) => suspendCard(deps, tx, { cardId: opts.card }))),
  ]);
}

/** `onshi card resume`: in person, with the card. */
export function resumeAction(db: string, opts: { card: string; image: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const file = await readCardFile(opts.image);
    return [
      describeCard(await ctx.store.transaction((tx) => resumeCard(deps, tx, { cardId: opts.card, image: file.chip }))),
    ];
  });
}

/** `onshi card revoke`: `--person` on death (every card), `--card` when one card is returned. */
export function revokeAction(db: string, opts: { person?: string; card?: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    if ((opts.person === undefined) === (opts.card === undefined)) {
      throw new Error('give exactly one of --person (death: every card) or --card (one card returned)');
    }
    const input =
      opts.person !== undefined
        ? { personId: opts.person, reason: 'death' as const }
        : { cardId: opts.card ?? '', reason: 'returned' as const };
    const cards = await ctx.store.transaction((tx) => revokeCards(deps, tx, input));
    return cards.length === 0 ? ['no card to revoke'] : cards.map(describeCard);
  });
}

/** `onshi card reset-pin`: the image file is updated in place. */
export function resetPinAction(
  db: string,
  opts: { card: string; image: string; credential: string; newPin: string },
): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const credential =
      oneOf<ResettablePin>('--credential', opts.credential, ['authentication', 'signing', 'cardInfo']) ??
      'authentication';
    const file = await readCardFile(opts.image);
    const result = await ctx.store.transaction((tx) =>
      resetPin(deps, tx, { cardId: opts.card, image: file.chip, credential, newPin: opts.newPin }),
    );
    await writeSecretJson(opts.image, file.wrap(result.image));
    return [`${credential} PIN reset on card ${opts.card}; card image updated: ${opts.image}`];
  });
}

/** `onshi card notices`: the expiry-notice job for one day. */
export function noticesAction(db: string, opts: { date?: string; json?: boolean }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx) => {
    const date = opts.date ?? tokyoDate(ctx.clock.now());
    if (!isIsoDate(date)) {
      throw new Error(`--date must be YYYY-MM-DD, got ${date}`);
    }
    const notices = await listExpiryNotices(ctx.store, date);
    if (opts.json === true) {
      return [JSON.stringify({ date, notices }, null, 2)];
    }
    return [
      `${String(notices.length)} expiry notice(s) due on ${date}`,
      ...notices.map(
        (n) =>
          `${n.personId} card ${n.cardId} (${n.cardKind}): ${n.subjects.join(' + ')} expires ${n.expiresOn}, ` +
          `renewable from ${n.renewableFrom}`,
      ),
    ];
  });
}

/** `onshi card wallet`: the kiosk demo wallet. */
export function walletAction(db: string, opts: { out: string; people: string; asOf?: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx) => {
    const people = Number(opts.people);
    if (!Number.isInteger(people) || people < 1 || people > 1000) {
      throw new Error(`--people must be a whole number 1–1000, got ${opts.people}`);
    }
    if (opts.asOf !== undefined && !isIsoDate(opts.asOf)) {
      throw new Error(`--as-of must be YYYY-MM-DD, got ${opts.asOf}`);
    }
    const wallet = await issueDemoWallet(ctx, {
      people,
      ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}),
      actorId: 'cli',
    });
    await writeSecretJson(opts.out, wallet);
    const real = wallet.cards.filter((c) => c.image !== null);
    return [
      `wallet ${opts.out} (mode 0600): ${String(real.length)} cards for ${String(new Set(real.map((c) => c.personId)).size)} people`,
      ...wallet.cards.map((c) => `  ${c.id}: ${c.label.en}`),
    ];
  });
}

/** `onshi card reader`: a reader identity file (its key, made by the authority, and its certificate). */
export function readerAction(
  db: string,
  opts: { institution: string; readerId: string; out: string },
): Promise<CardOutcome> {
  return withAuthority(db, async (ctx, deps) => {
    const issued = await ctx.store.transaction((tx) =>
      issueReaderCertificate(deps, tx, { institutionCode: opts.institution, readerId: opts.readerId }),
    );
    await writeSecretJson(opts.out, {
      readerId: opts.readerId,
      institutionCode: opts.institution,
      privateKeyPkcs8: Buffer.from(issued.privateKeyPkcs8 ?? new Uint8Array(0)).toString('base64'),
      certificateDer: Buffer.from(issued.certificateDer).toString('base64'),
    });
    return [
      `reader ${opts.readerId} of ${opts.institution}: certificate ${issued.certificate.serial}`,
      `written to ${opts.out} (mode 0600)`,
    ];
  });
}

/** `onshi card show`: a card, or a person's cards. */
export function showAction(db: string, opts: { card?: string; person?: string }): Promise<CardOutcome> {
  return withAuthority(db, async (ctx) => {
    const cards =
      opts.card !== undefined
        ? [await ctx.store.cards.get(opts.card)]
        : await ctx.store.cards.listByPerson(opts.person ?? '');
    const lines: string[] = [];
    for (const card of cards) {
      if (card !== null) {
        lines.push(describeCard(await ctx.store.transaction((tx) => cardView(tx, card))));
      }
    }
    return lines.length === 0 ? ['no card'] : lines;
  });
}

async function report(outcome: Promise<CardOutcome>): Promise<void> {
  const { exitCode, lines } = await outcome;
  for (const line of lines) {
    (exitCode === 0 ? console.log : console.error)(line);
  }
  process.exitCode = exitCode;
}

/** Registers `onshi card …`. */
export function registerCard(program: Command): void {
  const card = program.command('card').description('card authority (J-LIS role): card life on a local database');
  const db = (c: Command): Command => c.option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb());
  // PINs may come from the environment, so they need not stand on the command line (visible in process lists).
  const pins = (c: Command): Command =>
    c
      .addOption(new Option('--pin <pin>', '利用者証明用 (or Android スマホ用) PIN, 4 digits').env('ONSHI_PIN'))
      .addOption(new Option('--signing-pin <pin>', '署名用 password, 6–16 of A–Z 0–9').env('ONSHI_SIGNING_PIN'))
      .addOption(new Option('--card-info-pin <pin>', '券面事項入力補助用 PIN, 4 digits').env('ONSHI_CARD_INFO_PIN'));

  pins(db(card.command('issue').description('issue a card or a smartphone certificate to a person')))
    .requiredOption('--person <id>', 'person id')
    .option('--kind <kind>', 'standard | faceOnly | smartphone', 'standard')
    .option('--platform <platform>', 'android | iphone (smartphone only)')
    .option('--linked-card <id>', 'smartphone: the person’s PIN card it comes from')
    .option('--issued-on <date>', 'day of issue (default today)')
    .option('--register <channel>', 'also register insurance use: reader | portal | atm | wardOffice')
    .requiredOption('--out <file>', 'where to write the card image')
    .action((opts: IssueOptions & { db: string }) => report(issueAction(opts.db, opts)));
  db(card.command('renew').description('renew the certificates (card presented; image updated in place)'))
    .requiredOption('--card <id>', 'card id')
    .requiredOption('--image <file>', 'the card (or phone) image file')
    .action((opts: { db: string; card: string; image: string }) => report(renewAction(opts.db, opts)));
  pins(db(card.command('reissue').description('reissue a lost card: old card lost and revoked, new card issued')))
    .requiredOption('--card <id>', 'the lost card')
    .option('--kind <kind>', 'standard | faceOnly (default: as before)')
    .option('--register <channel>', 'also register insurance use')
    .requiredOption('--out <file>', 'where to write the new card image')
    .action(
      (opts: {
        db: string;
        card: string;
        kind?: string;
        pin?: string;
        signingPin?: string;
        cardInfoPin?: string;
        register?: string;
        out: string;
      }) => report(reissueAction(opts.db, opts)),
    );
  db(card.command('suspend').description('一時利用停止: certificates on hold'))
    .requiredOption('--card <id>', 'card id')
    .action((opts: { db: string; card: string }) => report(suspendAction(opts.db, opts)));
  db(card.command('resume').description('lift a suspension, in person with the card'))
    .requiredOption('--card <id>', 'card id')
    .requiredOption('--image <file>', 'the card (or phone) image file')
    .action((opts: { db: string; card: string; image: string }) => report(resumeAction(opts.db, opts)));
  db(card.command('revoke').description('revoke: --person on death (every card), --card when returned'))
    .option('--person <id>', 'the person who died')
    .option('--card <id>', 'the card returned')
    .action((opts: { db: string; person?: string; card?: string }) => report(revokeAction(opts.db, opts)));
  db(card.command('reset-pin').description('reset a PIN (card presented; image updated in place)'))
    .requiredOption('--card <id>', 'card id')
    .requiredOption('--image <file>', 'the card (or phone) image file')
    .option('--credential <which>', 'authentication | signing | cardInfo', 'authentication')
    .addOption(new Option('--new-pin <pin>', 'the new PIN').env('ONSHI_NEW_PIN').makeOptionMandatory())
    .action((opts: { db: string; card: string; image: string; credential: string; newPin: string }) =>
      report(resetPinAction(opts.db, opts)),
    );
  db(card.command('notices').description('expiry notices due on a date (有効期限通知書)'))
    .option('--date <date>', 'YYYY-MM-DD (default today)')
    .option('--json', 'print JSON')
    .action((opts: { db: string; date?: string; json?: boolean }) => report(noticesAction(opts.db, opts)));
  db(card.command('wallet').description('issue real cards for K people and write the kiosk demo wallet'))
    .requiredOption('--out <file>', 'wallet file')
    .option('--people <k>', 'how many people get cards', '8')
    .option('--as-of <date>', 'the day the wallet describes (default today)')
    .action((opts: { db: string; out: string; people: string; asOf?: string }) => report(walletAction(opts.db, opts)));
  db(card.command('reader').description('issue a face-authentication reader identity (key + certificate)'))
    .requiredOption('--institution <code>', '医療機関コード')
    .requiredOption('--reader-id <id>', 'reader id')
    .requiredOption('--out <file>', 'reader identity file')
    .action((opts: { db: string; institution: string; readerId: string; out: string }) =>
      report(readerAction(opts.db, opts)),
    );
  db(card.command('show').description('a card, or a person’s cards'))
    .option('--card <id>', 'card id')
    .option('--person <id>', 'person id')
    .action((opts: { db: string; card?: string; person?: string }) => report(showAction(opts.db, opts)));
}
