// Errors that cross module boundaries. Each carries a stable code so the API, SMTP and
// CLI layers can translate it without parsing messages.

export class RelaisError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: string, message: string, status = 400, details?: unknown) {
    super(message);
    this.name = 'RelaisError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export class ConfigError extends RelaisError {
  constructor(message: string, details?: unknown) {
    super('config', message, 500, details);
    this.name = 'ConfigError';
  }
}

export class NotFoundError extends RelaisError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
    this.name = 'NotFoundError';
  }
}

export class ValidationError extends RelaisError {
  constructor(message: string, details?: unknown) {
    super('validation', message, 400, details);
    this.name = 'ValidationError';
  }
}
