export * from './claim-status';
export * from './error-rules';
export * from './field-rules';
export * from './http-call';
export * from './lookup';
export * from './redact';
export * from './send-once';
export * from './transport-errors';
