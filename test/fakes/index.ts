export * from './fake-server';
export * from './glitzcloud-fake';
export * from './shopex-fake';
export * from './duobaoyu-fake';
export * from './appintf-fake';
