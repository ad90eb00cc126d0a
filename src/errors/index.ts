export { errorCatalogue, isErrorCode, type ErrorCode } from './catalogue.ts';
export {
  WeftError,
  InputError,
  AccessError,
  ConflictError,
  CapacityError,
  DependencyError,
  ConfigError,
  toWeftError,
  type FieldProblem,
  type WeftErrorOptions,
} from './weft-error.ts';
