/** One group of ERROR_STATUS, titled by the table's own line comment. */
export interface ErrorCodeGroup {
  title: string;
  note: string;
  rows: { code: string; status: number; when: string }[];
}
export declare function errorCodeGroups(text?: string): ErrorCodeGroup[];
export declare function errorCodesPage(groups?: ErrorCodeGroup[]): string;
