export { checkOutputDir, replaceOutput } from './replace';
export type { OutputContent, OutputRequest, OutputSummary } from './replace';
export { MANIFEST_FILE, previousGenerated, previousGeneratedFiles } from './manifest';
export { replaceFile } from './file';
export type { OutputFileRequest } from './file';
