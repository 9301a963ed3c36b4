// An error smtp-server turns into a reply with this code and text.
export interface SmtpError extends Error {
  responseCode?: number;
}

export function smtpError(code: number, text: string): SmtpError {
  const e: SmtpError = new Error(text);
  e.responseCode = code;
  return e;
}
