export { errorCatalogue, isErrorCode, type ErrorCode } from './catalogue.ts';
export {
  WeftError,
  InputError,
  AccessError,
  ConflictError,
  CapacityError,
  DependencyError,
  ConfigError,
  TargetError,
  WebhookError,
  MappingError,
  toWeftError,
  type TargetErrorOptions,
  type FieldProblem,
  type WeftErrorOptions,
} from './weft-error.ts';
