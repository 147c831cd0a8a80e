/* Shapes of the OQS answers the console reads (server formats/schemas.ts, JSON form; dates yyyyMMdd). */

export interface LimitInfo {
  limitApplicationCertificateClassification?: string;
  limitApplicationCertificateClassificationFlag?: string;
}

export interface QualificationResult {
  insurerNumber?: string;
  insurerName?: string;
  insuredCardSymbol?: string;
  insuredIdentificationNumber?: string;
  insuredBranchNumber?: string;
  name?: string;
  birthdate?: string;
  insuredPartialContributionRatio?: string;
  limitApplicationCertificateRelatedInfo?: LimitInfo;
  pharmacistsInfoConsFlg?: string;
  pharmacistsInfoAvailableTime?: string;
  specificHealthCheckupsInfoConsFlg?: string;
  specificHealthCheckupsInfoAvailableTime?: string;
  diagnosisInfoConsFlg?: string;
  diagnosisInfoAvailableTime?: string;
  operationInfoConsFlg?: string;
  operationInfoAvailableTime?: string;
  prescriptionIssueSelect?: string;
}

export interface ConfirmationBody {
  resultList?: QualificationResult[];
  processingResultStatus?: string;
  processingResultCode?: string;
  processingResultMessage?: string;
  qualificationValidity?: string;
  prescriptionIssueSelect?: string;
}

export interface ConfirmationMessage {
  messageHeader: { processExecutionTime: string; qualificationConfirmationDate?: string };
  messageBody: ConfirmationBody;
  confirmationId?: string;
  proofOfCheck?: string;
  readerId?: string;
}

export interface DrugLine {
  drugN?: string;
  qua1?: string;
  unit?: string;
  usageN?: string;
}

export interface MedicationAnswer {
  messageHeader: { resultCode: string; messageContents?: string };
  messageBody: {
    meTrMonthInf?: {
      meTrMonth?: string;
      meTrDiHNm?: string;
      diDateInfs?: { diDate?: string; drugInfs?: DrugLine[]; meTrInfs?: { sinInfN?: string }[] }[];
    }[];
  };
}

export interface CheckupAnswer {
  messageHeader: { resultCode: string; messageContents?: string };
  messageBody: {
    specificHealthCheckupInfo?: {
      effectiveTime?: string;
      healthCheckupResultAndQuestionInfos?: { itemName?: string; dataValue?: string; unit?: string }[];
    }[];
  };
}

export interface BulkUnit {
  qualificationConfirmSearchInfo: {
    insurerNumber: string;
    insuredCardSymbol?: string;
    insuredIdentificationNumber: string;
    insuredBranchNumber?: string;
    birthdate: string;
  };
  processingResultStatus: string;
  processingResultMessage?: string;
  qualificationValidity?: string;
  resultOfQualificationConfirmation?: QualificationResult;
}

export interface BulkAnswer {
  messageHeader: { segmentOfResult: string; receptionNumber?: string; errorMessage?: string };
  messageBody: { receptionNumber?: string; bulkConfirmUnit?: BulkUnit[] };
}

/** The member keys a console works with. */
export interface MemberKeys {
  insurerNumber: string;
  symbol: string;
  number: string;
  branch: string;
  birthDate: string;
}
