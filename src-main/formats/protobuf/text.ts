// Protobuf text format (Caffe's .prototxt, TensorFlow's .pbtxt) → plain objects shaped by any
// protobufjs reflection schema. Every error names the file, line and column. Fields the schema does
// not know are skipped: a schema lists only what its reader needs (Caffe's leaves out fillers,
// learning rates and solver hints).
import type protobuf from 'protobufjs';

export class TextFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** What is wrong, without the position. */
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** Hidden property holding the line a message starts on. */
const LINE = '__textFormatLine';

/** Line where a parsed message started, when it came from text format. */
export function lineOf(obj: object): number | undefined {
  return (obj as Record<string, number | undefined>)[LINE];
}

type TokKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  /** Decoded value of string tokens. */
  value?: string;
  line: number;
  col: number;
}

function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const col = i - lineStart + 1;
    if ('{}[]<>:,;'.includes(c)) {
      out.push({ kind: 'punct', text: c, line, col });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (true) {
        if (j >= n || src[j] === '\n') throw new TextFormatError(file, line, col, 'unterminated string');
        const d = src[j];
        if (d === c) break;
        if (d === '\\') {
          const e = src[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
          if (e in simple) {
            value += simple[e];
            j += 2;
            continue;
          }
          if (e === 'x') {
            value += String.fromCharCode(parseInt(src.slice(j + 2, j + 4), 16));
            j += 4;
            continue;
          }
          throw new TextFormatError(file, line, j - lineStart + 1, `unknown escape '\\${e}' in string`);
        }
        value += d;
        j++;
      }
      out.push({ kind: 'string', text: src.slice(i, j + 1), value, line, col });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i, i + 256));
    if (m) {
      out.push({ kind: 'ident', text: m[0], line, col });
      i += m[0].length;
      continue;
    }
    const num = /^[-+]?(?:inf(?:inity)?|nan|(?:0[xX][0-9a-fA-F]+)|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?)/i.exec(src.slice(i, i + 64));
    if (num) {
      out.push({ kind: 'number', text: num[0], line, col });
      i += num[0].length;
      continue;
    }
    throw new TextFormatError(file, line, col, `unexpected character '${c}'`);
  }
  out.push({ kind: 'eof', text: '', line, col: i - lineStart + 1 });
  return out;
}

function parseNumber(tok: Token): number {
  let t = tok.text.toLowerCase();
  if (t.endsWith('f') && !t.startsWith('0x') && !/inf$/.test(t)) t = t.slice(0, -1);
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
  return sign * Number(body);
}

/** Deepest nesting of messages accepted: protobuf's own parsers stop at 100 too. */
export const MAX_TEXT_DEPTH = 100;

const INT_TYPES = new Set(['int32', 'uint32', 'int64', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64']);

class Parser {
  private p = 0;
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly file: string,
  ) {}

  private peek(): Token {
    return this.toks[this.p];
  }
  private next(): Token {
    return this.toks[this.p++];
  }
  private err(tok: Token, what: string): never {
    throw new TextFormatError(this.file, tok.line, tok.col, what);
  }
  private describe(tok: Token): string {
    return tok.kind === 'eof' ? 'end of file' : `'${tok.text}'`;
  }

  /** Parses fields until `close` ('}' / '>') or end of file (close = null). */
  parseMessage(type: protobuf.Type | null, close: string | null, line = 1): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    // Where the message starts, for messages that name a layer ("layer 'conv2' (line 23)").
    Object.defineProperty(obj, LINE, { value: line, enumerable: false });
    while (true) {
      const tok = this.peek();
      if (close === null && tok.kind === 'eof') return obj;
      if (close !== null && tok.kind === 'punct' && tok.text === close) {
        this.next();
        return obj;
      }
      if (tok.kind === 'eof') this.err(tok, `missing '${close}' (end of file inside a message)`);
      if (tok.kind !== 'ident') this.err(tok, `expected a field name, found ${this.describe(tok)}`);
      this.next();
      const field = type ? type.fields[tok.text] : undefined;
      if (field) field.resolve();
      this.parseField(obj, tok, field ?? null);
      const sep = this.peek();
      if (sep.kind === 'punct' && (sep.text === ',' || sep.text === ';')) this.next();
    }
  }

  private parseField(obj: Record<string, unknown>, nameTok: Token, field: protobuf.Field | null): void {
    const msgType = field && field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : null;
    let tok = this.peek();
    let hadColon = false;
    if (tok.kind === 'punct' && tok.text === ':') {
      this.next();
      hadColon = true;
      tok = this.peek();
    }
    const store = (v: unknown) => {
      if (!field) return;
      if (field.repeated) ((obj[field.name] ??= []) as unknown[]).push(v);
      else obj[field.name] = v;
    };
    if (tok.kind === 'punct' && (tok.text === '{' || tok.text === '<')) {
      if (field && !msgType) this.err(tok, `field '${nameTok.text}' is a ${field.type}, not a message`);
      this.next();
      // Bounded so that a hostile file gets a message, not a stack overflow.
      if (++this.depth > MAX_TEXT_DEPTH) this.err(tok, `messages are nested more than ${MAX_TEXT_DEPTH} deep`);
      store(this.parseMessage(msgType, tok.text === '{' ? '}' : '>', nameTok.line));
      this.depth--;
      return;
    }
    if (!hadColon) this.err(tok, `expected ':' or '{' after '${nameTok.text}', found ${this.describe(tok)}`);
    if (field && msgType) this.err(tok, `field '${nameTok.text}' is a message: expected '{', found ${this.describe(tok)}`);
    if (tok.kind === 'punct' && tok.text === '[') {
      this.next();
      if (this.peek().kind === 'punct' && this.peek().text === ']') {
        this.next();
        return;
      }
      while (true) {
        store(this.parseScalar(nameTok, field));
        const t = this.next();
        if (t.kind === 'punct' && t.text === ']') return;
        if (!(t.kind === 'punct' && t.text === ',')) this.err(t, `expected ',' or ']' in the list of '${nameTok.text}', found ${this.describe(t)}`);
      }
    }
    store(this.parseScalar(nameTok, field));
  }

  private parseScalar(nameTok: Token, field: protobuf.Field | null): unknown {
    const tok = this.next();
    if (tok.kind === 'string') {
      // Adjacent string literals concatenate.
      let v = tok.value ?? '';
      while (this.peek().kind === 'string') v += this.next().value ?? '';
      if (field && field.type !== 'string' && field.type !== 'bytes') {
        this.err(tok, `field '${nameTok.text}' expects a ${this.typeName(field)}, found the string ${tok.text}`);
      }
      return v;
    }
    if (tok.kind !== 'ident' && tok.kind !== 'number') this.err(tok, `expected a value for '${nameTok.text}', found ${this.describe(tok)}`);
    if (!field) return undefined;
    const t = field.type;
    const resolved = field.resolvedType;
    if (resolved && !('fields' in resolved)) {
      const en = resolved as protobuf.Enum;
      if (tok.kind === 'ident') {
        if (!(tok.text in en.values)) {
          this.err(tok, `'${tok.text}' is not a valid value for '${nameTok.text}' (one of ${Object.keys(en.values).join(', ')})`);
        }
        return tok.text;
      }
      const num = parseNumber(tok);
      const name = en.valuesById[num];
      if (name === undefined) this.err(tok, `${tok.text} is not a valid value for '${nameTok.text}'`);
      return name;
    }
    if (t === 'bool') {
      if (tok.text === 'true' || tok.text === 'True' || tok.text === 't' || tok.text === '1') return true;
      if (tok.text === 'false' || tok.text === 'False' || tok.text === 'f' || tok.text === '0') return false;
      this.err(tok, `field '${nameTok.text}' expects true or false, found '${tok.text}'`);
    }
    if (t === 'string' || t === 'bytes') this.err(tok, `field '${nameTok.text}' expects a quoted string, found '${tok.text}'`);
    if (t === 'float' || t === 'double' || INT_TYPES.has(t)) {
      if (tok.kind !== 'number' && !/^-?(inf|infinity|nan)$/i.test(tok.text)) {
        this.err(tok, `field '${nameTok.text}' expects a number, found '${tok.text}'`);
      }
      const v = parseNumber(tok);
      if (INT_TYPES.has(t)) {
        if (!Number.isInteger(v)) this.err(tok, `field '${nameTok.text}' expects an integer, found '${tok.text}'`);
        if (t.startsWith('u') && v < 0) this.err(tok, `field '${nameTok.text}' cannot be negative`);
      }
      return v;
    }
    return undefined;
  }

  private typeName(field: protobuf.Field): string {
    return field.resolvedType && !('fields' in field.resolvedType) ? 'enum value' : field.type;
  }
}

/**
 * Parses text-format `text` as the message `type` (null: check the syntax only, keep nothing).
 * Messages keep the line they start on (lineOf).
 */
export function parseTextFormat<T = Record<string, unknown>>(text: string, file: string, type: protobuf.Type | null): T {
  return new Parser(tokenize(text, file), file).parseMessage(type, null) as T;
}
