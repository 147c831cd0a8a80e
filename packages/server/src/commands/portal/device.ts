import { generateKeyPairSync } from 'node:crypto';
import { CardReader, type ApduTransport, type PinStatus, type ReadResult, type SignedChallenge } from '@onshi/card';

let homeReader: CardReader | undefined;

/**
 * The card reader of a home device (a PC's IC card reader or a phone's NFC): it drives the chip through the same
 * `@onshi/card` CardReader APDUs as the clinic's reader, but it is not a face reader and holds no reader
 * certificate, so its device key (an Ed25519 key made once per process) never signs anything.
 */
function homeCardReader(): CardReader {
  if (homeReader === undefined) {
    const { privateKey } = generateKeyPairSync('ed25519');
    homeReader = new CardReader({
      readerId: 'portal-device',
      institutionCode: '0000000000',
      privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
      certificateDer: new Uint8Array(0),
    });
  }
  return homeReader;
}

/**
 * The portal device (マイナポータル on a PC or phone): reads the card's 利用者証明用 certificate and, after the
 * holder's 4-digit PIN, has the chip sign the server's challenge. The PIN goes only to the chip, whose counter
 * counts wrong tries (3 in a row lock it, rules.md §4 [S22]); the server never sees it.
 */
export class PortalDevice {
  constructor(private readonly reader: CardReader = homeCardReader()) {}

  /** The certificate to start a login with (no PIN needed). */
  readCertificate(card: ApduTransport): ReadResult<Uint8Array> {
    return this.reader.readAuthCertificate(card);
  }

  /** The chip's signature over `challenge` after VERIFY of `pin` (a wrong PIN counts on the chip). */
  sign(card: ApduTransport, challenge: Uint8Array, pin: string): SignedChallenge {
    return this.reader.signChallenge(card, challenge, pin);
  }

  /** Tries left on the 利用者証明用 PIN, without spending one. */
  pinStatus(card: ApduTransport): PinStatus {
    return this.reader.pinStatus(card, 'authentication');
  }
}
