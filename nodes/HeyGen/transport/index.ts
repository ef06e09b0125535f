export * from './assets';
export * from './download';
export * from './errors';
export * from './folders';
export * from './paging';
export * from './request';
export * from './upload';
