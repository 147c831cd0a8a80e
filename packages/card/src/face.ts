/**
 * The simulated face: a person's face is a fixed feature vector, the card holds an enrolment template (the face
 * plus enrolment noise), and the reader's camera returns the face of whoever stands before it plus capture noise.
 * Matching is cosine similarity against a threshold — the shape of a real face matcher without any images.
 */
import { seededRandom } from './random.js';

/** Length of a face feature vector. */
export const FACE_DIMENSIONS = 128;

/**
 * Cosine similarity at or above which a capture matches the template. With independent faces the similarity of
 * two 128-dimension vectors has a standard deviation of about 0.09, so 0.6 sits ~6.8 σ above chance; a same-person
 * capture at the default noise scores about 0.89.
 */
export const FACE_MATCH_THRESHOLD = 0.6;

/** Default per-component noise (standard deviation, faces have unit-variance components). */
export const DEFAULT_FACE_NOISE = 0.35;

/** A face feature vector. */
export type FaceVector = Float32Array;

/** The face of a (simulated) person: the same seed always gives the same face. */
export function faceFromSeed(seed: string): FaceVector {
  const random = seededRandom(`face:${seed}`);
  const face = new Float32Array(FACE_DIMENSIONS);
  for (let i = 0; i < FACE_DIMENSIONS; i += 1) {
    face[i] = random.gaussian();
  }
  return face;
}

/** `face` plus Gaussian noise of standard deviation `noise` from `random` (enrolment or capture). */
export function perturbFace(face: FaceVector, noise: number, random: { gaussian(): number }): FaceVector {
  const out = new Float32Array(face.length);
  for (let i = 0; i < face.length; i += 1) {
    out[i] = (face[i] ?? 0) + noise * random.gaussian();
  }
  return out;
}

/** The enrolment template written to the card at issuance (the photo taken for the application). */
export function enrolFace(face: FaceVector, seed: string, noise = DEFAULT_FACE_NOISE): FaceVector {
  return perturbFace(face, noise, seededRandom(`enrol:${seed}`));
}

/** Cosine similarity of two vectors of equal length; 0 when either is all zeros or the lengths differ. */
export function cosineSimilarity(a: FaceVector, b: FaceVector): number {
  if (a.length !== b.length) {
    return 0;
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) {
    return 0;
  }
  return dot / Math.sqrt(na * nb);
}

/** Anything that can photograph the person at the reader. */
export interface Camera {
  /** One capture of `subject`'s face. */
  capture(subject: FaceVector): FaceVector;
}

/**
 * The reader's camera: each capture adds fresh noise from a seeded generator, so a run is reproducible. Raise
 * `noise` to simulate poor lighting or a mask.
 */
export class SimulatedCamera implements Camera {
  private readonly random;

  constructor(
    seed: string,
    private readonly noise = DEFAULT_FACE_NOISE,
  ) {
    this.random = seededRandom(`camera:${seed}`);
  }

  capture(subject: FaceVector): FaceVector {
    return perturbFace(subject, this.noise, this.random);
  }
}

/** Face template bytes on the chip: IEEE 754 single precision, big-endian. */
export function encodeFaceTemplate(face: FaceVector): Uint8Array {
  const out = new Uint8Array(face.length * 4);
  const view = new DataView(out.buffer);
  face.forEach((v, i) => {
    view.setFloat32(i * 4, v, false);
  });
  return out;
}

/** Inverse of `encodeFaceTemplate`; `undefined` if the length is not a whole number of floats. */
export function decodeFaceTemplate(bytes: Uint8Array): FaceVector | undefined {
  if (bytes.length % 4 !== 0 || bytes.length === 0) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i += 1) {
    out[i] = view.getFloat32(i * 4, false);
  }
  return out;
}
