/**
 * The smartphone card (スマホ用電子証明書, rules.md §4 Smartphone [S26]): the phone's secure element holds its
 * own 利用者証明用 key and certificate and answers the reader through the same APDUs as the card. Android: the
 * holder enters the 4-digit スマホ用 PIN at the reader. iPhone: the holder unlocks with Face ID / Touch ID on the
 * phone, which authorises the signature; the reader sends no PIN. The certificate names the physical card it was
 * issued from (see the authority's phone certificate), so the server can require that card's 保険証利用登録.
 */
import type { ApduTransport, CardImage, PhonePlatform } from './chip.js';
import { VirtualChip } from './chip.js';
import { CardError } from './errors.js';
import { FACE_MATCH_THRESHOLD, cosineSimilarity, decodeFaceTemplate, encodeFaceTemplate } from './face.js';
import type { FaceVector } from './face.js';

/** What a phone stores: its secure element and (iPhone) the owner's biometric template, which stays on the phone. */
export interface SmartphoneImage {
  format: 'onshi-smartphone-image/1';
  chip: CardImage;
  /** Base64 of the owner's enrolled biometric template (iPhone), else `null`. */
  biometricTemplate: string | null;
}

/** A phone carrying a スマホ用電子証明書. */
export class Smartphone implements ApduTransport {
  private constructor(
    private readonly chip: VirtualChip,
    private readonly biometric: FaceVector | null,
  ) {}

  /** A phone around a smartphone-kind chip; an iPhone needs the owner's enrolled biometric template. */
  static create(chip: VirtualChip, biometricTemplate: FaceVector | null): Smartphone {
    if (chip.kind !== 'smartphone') {
      throw new CardError('phone.notSmartphoneChip', {
        ja: 'スマホ用電子証明書ではありません',
        en: 'the chip is not a smartphone certificate holder',
      });
    }
    if (chip.platform === 'iphone' && biometricTemplate === null) {
      throw new CardError('phone.biometricRequired', {
        ja: 'iPhoneには生体認証の登録が必要です',
        en: 'an iPhone needs an enrolled biometric',
      });
    }
    return new Smartphone(chip, chip.platform === 'iphone' ? biometricTemplate : null);
  }

  /** Restores a phone from its image. Throws `CardError` on a malformed image. */
  static fromImage(image: SmartphoneImage): Smartphone {
    const template =
      image.biometricTemplate === null ? null : decodeFaceTemplate(Buffer.from(image.biometricTemplate, 'base64'));
    return Smartphone.create(VirtualChip.fromImage(image.chip), template ?? null);
  }

  /** Android or iPhone. */
  get platform(): PhonePlatform {
    return this.chip.platform ?? 'android';
  }

  /** The phone's state to store. */
  exportImage(): SmartphoneImage {
    return {
      format: 'onshi-smartphone-image/1',
      chip: this.chip.exportImage(),
      biometricTemplate:
        this.biometric === null ? null : Buffer.from(encodeFaceTemplate(this.biometric)).toString('base64'),
    };
  }

  /**
   * iPhone: the holder looks at the phone before holding it to the reader. On a match the secure element may sign
   * in this session. Always false on Android (the PIN is entered at the reader instead).
   */
  unlockWithBiometrics(capture: FaceVector): boolean {
    if (this.biometric === null || cosineSimilarity(capture, this.biometric) < FACE_MATCH_THRESHOLD) {
      return false;
    }
    return this.chip.confirmHolderOnDevice();
  }

  /** NFC: the reader's APDUs go to the secure element. */
  transmit(command: Uint8Array): Uint8Array {
    return this.chip.transmit(command);
  }

  /** The phone leaves the reader's field: the session ends. */
  leaveField(): void {
    this.chip.reset();
  }
}
