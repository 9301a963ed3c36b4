// smtp-server exports its connection class under lib/, without type declarations.
declare module 'smtp-server/lib/smtp-connection.js' {
  export const SMTPConnection: { prototype: any };
}
