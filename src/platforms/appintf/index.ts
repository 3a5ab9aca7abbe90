export * from './config';
export * from './request';
export * from './response';
export * from './errors';
export * from './statuses';
export * from './client';
export * from './ownership';
