import { createHash } from 'node:crypto';
import { addDays, memberIdentifier } from '@onshi/core';
import type { ResultOfQualificationConfirmation } from './schemas.js';
import { fromWireDate } from './wire.js';

/*
 * FHIR R4 in the JP Core profiles for a confirmation result (oqs-interface.md §10; jami-fhir-jp-wg/jp-core-v1x
 * JP_Coverage.fsh): Coverage with the 被保険者個人識別子, the 記号/番号/枝番 extensions, relationship, period and
 * the insurer as payor; Patient with the kanji and kana names; both in a collection Bundle.
 */

/** Canonical URLs and systems of JP Core and the MHLW code systems it names. */
export const JP_CORE = {
  coverageProfile: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage',
  patientProfile: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  organizationProfile: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
  insuredPersonSymbol: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
  insuredPersonNumber: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
  insuredPersonSubNumber: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
  memberIdSystem: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID',
  coverageCsvIdSystem: 'http://jpfhir.jp/fhir/core/IdSystem/JP_Coverage_id',
  insuredPersonCategory: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory',
  /** 保険者番号 (on the payor Organization). */
  insurerNumberOid: 'urn:oid:1.2.392.100495.20.3.61',
  /** 患者ID: this prefix followed by the 10-digit 医療機関コード. */
  patientIdOidPrefix: 'urn:oid:1.2.392.100495.20.3.51.1',
  nameRepresentation: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation',
} as const;

/** A FHIR Coding. */
export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}
/** A FHIR Identifier. */
export interface FhirIdentifier {
  system: string;
  value: string;
}
/** A FHIR Extension with a string or code value. */
export interface FhirExtension {
  url: string;
  valueString?: string;
  valueCode?: string;
}
/** A FHIR HumanName. */
export interface FhirHumanName {
  extension?: FhirExtension[];
  use?: 'official' | 'usual';
  text: string;
  family?: string;
  given?: string[];
}
/** A FHIR Reference by bundle-local URL. */
export interface FhirReference {
  reference: string;
  display?: string;
}

/** JP_Organization for the insurer (保険者). */
export interface FhirOrganization {
  resourceType: 'Organization';
  meta: { profile: string[] };
  identifier: FhirIdentifier[];
  name?: string;
}

/** JP_Patient. */
export interface FhirPatient {
  resourceType: 'Patient';
  meta: { profile: string[] };
  identifier?: FhirIdentifier[];
  name?: FhirHumanName[];
  gender?: 'male' | 'female' | 'unknown';
  birthDate?: string;
  address?: { text: string; postalCode?: string; country: 'JP' }[];
}

/** JP_Coverage. */
export interface FhirCoverage {
  resourceType: 'Coverage';
  meta: { profile: string[] };
  extension: FhirExtension[];
  identifier: FhirIdentifier[];
  status: 'active' | 'cancelled';
  beneficiary: FhirReference;
  dependent?: string;
  relationship?: { coding: FhirCoding[] };
  period?: { start?: string; end?: string };
  payor: FhirReference[];
}

/** A collection Bundle of the resources of one confirmation. */
export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  entry: { fullUrl: string; resource: FhirPatient | FhirCoverage | FhirOrganization }[];
}

/** What the mapping needs beyond the result itself. */
export interface FhirOptions {
  /** 医療機関コード of the asking institution: with a ReferenceNumber it makes the JP Core 患者ID. */
  institutionCode?: string;
  /** QualificationValidity of the answer: anything but 1 (有効) makes the Coverage `cancelled`. */
  qualificationValidity?: string;
}

const FULL_WIDTH_OFFSET = 0xfee0;

/** Half-width ASCII → full-width, as the JP Core CSV identifier wants 記号 and 番号. */
function toFullWidth(s: string): string {
  return s.replace(/[\u0021-\u007E]/g, (c) => String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET));
}

/** A deterministic urn:uuid for a resource of a result, so the same answer gives the same Bundle. */
function uuidFor(kind: string, key: string): string {
  const h = createHash('sha256').update(`${kind}\u0000${key}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The JP Core 被保険者個人識別子 of a result, via @onshi/core `memberIdentifier`; undefined when incomplete. */
export function memberIdentifierOf(result: ResultOfQualificationConfirmation): string | undefined {
  if (result.insurerNumber === undefined || result.insuredIdentificationNumber === undefined) {
    return undefined;
  }
  try {
    return memberIdentifier({
      insurerNumber: result.insurerNumber,
      symbol: result.insuredCardSymbol ?? null,
      number: result.insuredIdentificationNumber,
      branch: result.insuredBranchNumber ?? null,
    });
  } catch {
    return undefined;
  }
}

function splitName(text: string): { family?: string; given?: string[] } {
  const parts = text.split(/[ \u3000]+/).filter((p) => p !== '');
  const [family, ...given] = parts;
  if (family === undefined || given.length === 0) {
    return {};
  }
  return { family, given };
}

function representation(code: 'IDE' | 'SYL'): FhirExtension[] {
  return [{ url: JP_CORE.nameRepresentation, valueCode: code }];
}

/** JP_Patient from a result: kanji name (IDE) and kana (SYL, full-width), sex, birth date, address if given. */
export function patientOf(result: ResultOfQualificationConfirmation, options: FhirOptions = {}): FhirPatient {
  const patient: FhirPatient = { resourceType: 'Patient', meta: { profile: [JP_CORE.patientProfile] } };
  if (result.referenceNumber !== undefined && options.institutionCode !== undefined) {
    patient.identifier = [
      { system: `${JP_CORE.patientIdOidPrefix}${options.institutionCode}`, value: result.referenceNumber },
    ];
  }
  const names: FhirHumanName[] = [];
  if (result.name !== undefined) {
    names.push({ extension: representation('IDE'), use: 'official', text: result.name, ...splitName(result.name) });
  }
  if (result.nameKana !== undefined) {
    const kana = result.nameKana.normalize('NFKC');
    names.push({ extension: representation('SYL'), use: 'official', text: kana, ...splitName(kana) });
  }
  if (names.length > 0) {
    patient.name = names;
  }
  const gender =
    result.sex1 === '1' ? 'male' : result.sex1 === '2' ? 'female' : result.sex1 === '3' ? 'unknown' : undefined;
  if (gender !== undefined) {
    patient.gender = gender;
  }
  if (result.birthdate !== undefined) {
    patient.birthDate = fromWireDate(result.birthdate);
  }
  if (result.address !== undefined) {
    const address: { text: string; postalCode?: string; country: 'JP' } = { text: result.address, country: 'JP' };
    if (result.postNumber !== undefined) {
      address.postalCode = result.postNumber;
    }
    patient.address = [address];
  }
  return patient;
}

/** The insurer as a JP_Organization, identified by 保険者番号 (8 digits, 国保 zero-padded) under its OID. */
export function insurerOf(result: ResultOfQualificationConfirmation): FhirOrganization | undefined {
  if (result.insurerNumber === undefined) {
    return undefined;
  }
  const org: FhirOrganization = {
    resourceType: 'Organization',
    meta: { profile: [JP_CORE.organizationProfile] },
    identifier: [{ system: JP_CORE.insurerNumberOid, value: result.insurerNumber.padStart(8, '0') }],
  };
  if (result.insurerName !== undefined) {
    org.name = result.insurerName;
  }
  return org;
}

/**
 * JP_Coverage from a result. Period: the card's validity (有効開始/終了), else the qualification period, whose
 * end is the day before 資格喪失年月日 (the loss date is the first day without cover).
 */
export function coverageOf(
  result: ResultOfQualificationConfirmation,
  refs: { patient: string; insurer: string },
  options: FhirOptions = {},
): FhirCoverage {
  const extension: FhirExtension[] = [];
  if (result.insuredCardSymbol !== undefined) {
    extension.push({ url: JP_CORE.insuredPersonSymbol, valueString: result.insuredCardSymbol });
  }
  if (result.insuredIdentificationNumber !== undefined) {
    extension.push({ url: JP_CORE.insuredPersonNumber, valueString: result.insuredIdentificationNumber });
  }
  if (result.insuredBranchNumber !== undefined) {
    extension.push({ url: JP_CORE.insuredPersonSubNumber, valueString: result.insuredBranchNumber });
  }
  const identifier: FhirIdentifier[] = [];
  const member = memberIdentifierOf(result);
  if (member !== undefined && result.insurerNumber !== undefined) {
    identifier.push({ system: JP_CORE.memberIdSystem, value: member });
    const csv = [
      result.insurerNumber.padStart(8, '0'),
      toFullWidth(result.insuredCardSymbol ?? ''),
      toFullWidth(result.insuredIdentificationNumber ?? ''),
      result.insuredBranchNumber ?? '',
    ]
      .map((v) => `"${v}"`)
      .join(',');
    identifier.push({ system: JP_CORE.coverageCsvIdSystem, value: csv });
  }
  const coverage: FhirCoverage = {
    resourceType: 'Coverage',
    meta: { profile: [JP_CORE.coverageProfile] },
    extension,
    identifier,
    status:
      options.qualificationValidity === undefined || options.qualificationValidity === '1' ? 'active' : 'cancelled',
    beneficiary: { reference: refs.patient },
    payor: [{ reference: refs.insurer, ...(result.insurerName === undefined ? {} : { display: result.insurerName }) }],
  };
  if (result.insuredBranchNumber !== undefined) {
    coverage.dependent = result.insuredBranchNumber;
  }
  if (result.personalFamilyClassification !== undefined) {
    const insured = result.personalFamilyClassification === '1';
    coverage.relationship = {
      coding: [
        {
          system: JP_CORE.insuredPersonCategory,
          code: result.personalFamilyClassification,
          display: insured ? '被保険者' : '被扶養者',
        },
      ],
    };
  }
  const start = result.insuredCardValidDate ?? result.qualificationDate;
  const end =
    result.insuredCardExpirationDate !== undefined
      ? fromWireDate(result.insuredCardExpirationDate)
      : result.disqualificationDate !== undefined
        ? addDays(fromWireDate(result.disqualificationDate), -1)
        : undefined;
  if (start !== undefined || end !== undefined) {
    coverage.period = {
      ...(start === undefined ? {} : { start: fromWireDate(start) }),
      ...(end === undefined ? {} : { end }),
    };
  }
  return coverage;
}

/** A collection Bundle (Patient, insurer Organization, Coverage) for each result of a confirmation. */
export function confirmationBundle(
  results: readonly ResultOfQualificationConfirmation[],
  options: FhirOptions = {},
): FhirBundle {
  const entry: FhirBundle['entry'] = [];
  results.forEach((result, i) => {
    const key = `${i}:${memberIdentifierOf(result) ?? ''}:${result.birthdate ?? ''}`;
    const patientUrl = uuidFor('Patient', key);
    entry.push({ fullUrl: patientUrl, resource: patientOf(result, options) });
    const insurer = insurerOf(result);
    const insurerUrl = uuidFor('Organization', key);
    if (insurer !== undefined) {
      entry.push({ fullUrl: insurerUrl, resource: insurer });
      entry.push({
        fullUrl: uuidFor('Coverage', key),
        resource: coverageOf(result, { patient: patientUrl, insurer: insurerUrl }, options),
      });
    }
  });
  return { resourceType: 'Bundle', type: 'collection', entry };
}
