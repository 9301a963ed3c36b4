// Minimal typings for the mailparser dependencies we call directly (they ship none).
declare module 'libmime' {
  interface ParsedHeaderValue {
    value: string | false;
    params: Record<string, string>;
  }
  const libmime: {
    decodeWords(str: string): string;
    parseHeaderValue(str: string): ParsedHeaderValue;
    decodeFlowed(str: string, delSp?: boolean): string;
  };
  export default libmime;
}
declare module 'libmime/lib/charset.js' {
  const charset: { decode(buf: Buffer, fromCharset?: string): string };
  export default charset;
}
declare module 'libqp' {
  const libqp: { decode(str: string): Buffer };
  export default libqp;
}
declare module 'libbase64' {
  const libbase64: { decode(str: string): Buffer };
  export default libbase64;
}
