// Mailjet's template language, the subset the Send API uses with "TemplateLanguage": true:
//   {{var:name}}  {{var:name:"default"}}  {{var:name:default}}  {{var:user.first}}
//   {% if var:x %} … {% elseif var:y > 3 and var:z == "a" %} … {% else %} … {% endif %}
//   {% for item in var:list %} … {{item.field}} … {% endfor %}   (loops nest: `for m in item.members`)
// A variable printed without a default and not supplied is a render error: the caller applies
// TemplateErrorDeliver (deliver anyway, or block) and reports to TemplateErrorReporting. In a
// condition a missing variable is simply false (the usual `{% if var:coupon %}` idiom).
// In HTML output every printed value is HTML-escaped so that a variable cannot inject markup.
// Rendering is bounded (nesting depth, loop iterations, output size): a template is tenant
// input and must not be able to exhaust the intake process.

export interface RenderOptions {
  /** Escape printed values for HTML (use for HTMLPart). */
  html?: boolean;
  maxDepth?: number;
  maxIterations?: number;
  maxOutput?: number;
}

export interface RenderResult {
  ok: boolean;
  /** The rendering; on error, a best-effort rendering with failing placeholders left empty. */
  text: string;
  errors: string[];
}

type Expr =
  | { t: 'lit'; v: unknown }
  | { t: 'ref'; path: string; scoped: boolean }
  | { t: 'not'; e: Expr }
  | { t: 'bin'; op: string; a: Expr; b: Expr };

type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; ref: { path: string; scoped: boolean }; def?: string }
  | { t: 'if'; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[] }
  | { t: 'for'; name: string; list: Expr; body: Node[] };

const TAG = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const NAME = /^[A-Za-z0-9_][\w.-]*$/;

class TemplateSyntaxError extends Error {}

function parseRef(src: string): { path: string; scoped: boolean } {
  if (src.startsWith('var:')) {
    const path = src.slice(4);
    if (!NAME.test(path)) throw new TemplateSyntaxError(`invalid variable name "${src}"`);
    return { path, scoped: false };
  }
  if (src.startsWith('data:')) throw new TemplateSyntaxError(`contact data "${src}" is not available in the Send API`);
  if (!NAME.test(src)) throw new TemplateSyntaxError(`invalid expression "${src}"`);
  return { path: src, scoped: true };
}

function parseOutput(inner: string): Node {
  const s = inner.trim();
  if (s.startsWith('data:')) throw new TemplateSyntaxError(`contact data "${s}" is not available in the Send API`);
  const m = /^(var:[A-Za-z0-9_][\w.-]*|[A-Za-z0-9_][\w.-]*)(?::(.*))?$/s.exec(s);
  if (!m) throw new TemplateSyntaxError(`invalid placeholder "{{${inner}}}"`);
  const ref = parseRef(m[1]!);
  if (m[2] === undefined) return { t: 'out', ref };
  let def = m[2].trim();
  const q = /^"((?:[^"\\]|\\.)*)"$|^'((?:[^'\\]|\\.)*)'$/s.exec(def);
  if (q) def = (q[1] ?? q[2]!).replace(/\\(.)/g, '$1');
  return { t: 'out', ref, def };
}

// --- condition expressions: or < and < not < comparison < primary
const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?)(?![\w.])|(==|!=|>=|<=|>|<|\(|\))|((?:var:|data:)?[A-Za-z0-9_][\w.-]*))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new TemplateSyntaxError(`cannot parse condition "${src.trim()}"`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
    pos = TOKEN.lastIndex;
  }
  return out;
}

function parseCondition(src: string): Expr {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const orE = (): Expr => {
    let a = andE();
    while (peek() === 'or') {
      i++;
      a = { t: 'bin', op: 'or', a, b: andE() };
    }
    return a;
  };
  const andE = (): Expr => {
    let a = notE();
    while (peek() === 'and') {
      i++;
      a = { t: 'bin', op: 'and', a, b: notE() };
    }
    return a;
  };
  const notE = (): Expr => {
    if (peek() === 'not') {
      i++;
      return { t: 'not', e: notE() };
    }
    return cmpE();
  };
  const cmpE = (): Expr => {
    const a = primary();
    const op = peek();
    if (op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=') {
      i++;
      return { t: 'bin', op, a, b: primary() };
    }
    return a;
  };
  const primary = (): Expr => {
    const tok = toks[i++];
    if (tok === undefined) throw new TemplateSyntaxError(`incomplete condition "${src.trim()}"`);
    if (tok === '(') {
      const e = orE();
      if (toks[i++] !== ')') throw new TemplateSyntaxError(`missing ")" in "${src.trim()}"`);
      return e;
    }
    if (tok[0] === '"' || tok[0] === "'") return { t: 'lit', v: tok.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^-?\d/.test(tok)) return { t: 'lit', v: Number(tok) };
    if (tok === 'true' || tok === 'false') return { t: 'lit', v: tok === 'true' };
    if (tok === 'and' || tok === 'or' || tok === 'not' || /^[=!<>()]/.test(tok)) {
      throw new TemplateSyntaxError(`unexpected "${tok}" in "${src.trim()}"`);
    }
    return { t: 'ref', ...parseRef(tok) };
  };
  const e = orE();
  if (i !== toks.length) throw new TemplateSyntaxError(`unexpected "${toks[i]}" in "${src.trim()}"`);
  return e;
}

function parse(text: string, maxDepth: number): Node[] {
  const root: Node[] = [];
  type Frame = { kind: 'root' } | { kind: 'if'; node: Extract<Node, { t: 'if' }>; elsed: boolean } | { kind: 'for'; node: Extract<Node, { t: 'for' }> };
  const stack: { frame: Frame; body: Node[] }[] = [{ frame: { kind: 'root' }, body: root }];
  const top = () => stack[stack.length - 1]!;
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    if (m.index > last) top().body.push({ t: 'text', s: text.slice(last, m.index) });
    last = TAG.lastIndex;
    if (m[1] !== undefined) {
      top().body.push(parseOutput(m[1]));
      continue;
    }
    const tag = m[2]!.trim();
    const word = /^\w+/.exec(tag)?.[0] ?? '';
    const rest = tag.slice(word.length);
    if (word === 'if') {
      if (stack.length > maxDepth) throw new TemplateSyntaxError(`blocks nested deeper than ${maxDepth}`);
      const node: Extract<Node, { t: 'if' }> = { t: 'if', branches: [{ cond: parseCondition(rest), body: [] }], otherwise: [] };
      top().body.push(node);
      stack.push({ frame: { kind: 'if', node, elsed: false }, body: node.branches[0]!.body });
    } else if (word === 'elseif' || word === 'elif') {
      const f = top().frame;
      if (f.kind !== 'if' || f.elsed) throw new TemplateSyntaxError(`{% ${word} %} without {% if %}`);
      const branch = { cond: parseCondition(rest), body: [] as Node[] };
      f.node.branches.push(branch);
      top().body = branch.body;
    } else if (word === 'else') {
      const f = top().frame;
      if (f.kind !== 'if' || f.elsed) throw new TemplateSyntaxError('{% else %} without {% if %}');
      f.elsed = true;
      top().body = f.node.otherwise;
    } else if (word === 'endif') {
      if (top().frame.kind !== 'if') throw new TemplateSyntaxError('{% endif %} without {% if %}');
      stack.pop();
    } else if (word === 'for') {
      if (stack.length > maxDepth) throw new TemplateSyntaxError(`blocks nested deeper than ${maxDepth}`);
      const fm = /^\s+([A-Za-z_]\w*)\s+in\s+(\S+)\s*$/.exec(rest);
      if (!fm) throw new TemplateSyntaxError(`invalid loop "{% ${tag} %}"`);
      const node: Extract<Node, { t: 'for' }> = { t: 'for', name: fm[1]!, list: { t: 'ref', ...parseRef(fm[2]!) }, body: [] };
      top().body.push(node);
      stack.push({ frame: { kind: 'for', node }, body: node.body });
    } else if (word === 'endfor') {
      if (top().frame.kind !== 'for') throw new TemplateSyntaxError('{% endfor %} without {% for %}');
      stack.pop();
    } else {
      throw new TemplateSyntaxError(`unknown tag "{% ${tag} %}"`);
    }
  }
  if (last < text.length) top().body.push({ t: 'text', s: text.slice(last) });
  if (stack.length > 1) throw new TemplateSyntaxError(`{% ${top().frame.kind} %} is not closed`);
  return root;
}

const MISSING = Symbol('missing');

function lookup(path: string, base: unknown): unknown {
  let v: unknown = base;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return MISSING;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function truthy(v: unknown): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === '' || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

class LimitError extends Error {}

/** Renders `text` with Mailjet template language against `variables`. */
export function renderTemplate(text: string, variables: Record<string, unknown>, options: RenderOptions = {}): RenderResult {
  const maxDepth = options.maxDepth ?? 16;
  const maxIterations = options.maxIterations ?? 10_000;
  const maxOutput = options.maxOutput ?? Math.max(1_000_000, text.length * 4);
  const html = options.html === true;
  let tree: Node[];
  try {
    tree = parse(text, maxDepth);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return { ok: false, text, errors: [e.message] };
    throw e;
  }
  const errors: string[] = [];
  const out: string[] = [];
  let size = 0;
  let iterations = 0;
  const scopes: Record<string, unknown>[] = [];

  const resolve = (ref: { path: string; scoped: boolean }): unknown => {
    if (!ref.scoped) return lookup(ref.path, variables);
    const head = ref.path.split('.', 1)[0]!;
    for (let i = scopes.length - 1; i >= 0; i--) {
      if (Object.hasOwn(scopes[i]!, head)) return lookup(ref.path, scopes[i]);
    }
    return MISSING;
  };
  const evaluate = (e: Expr): unknown => {
    switch (e.t) {
      case 'lit':
        return e.v;
      case 'ref':
        return resolve(e);
      case 'not':
        return !truthy(evaluate(e.e));
      case 'bin': {
        if (e.op === 'and') return truthy(evaluate(e.a)) && truthy(evaluate(e.b));
        if (e.op === 'or') return truthy(evaluate(e.a)) || truthy(evaluate(e.b));
        const a = evaluate(e.a);
        const b = evaluate(e.b);
        if (a === MISSING || b === MISSING) return e.op === '!=';
        const na = numeric(a);
        const nb = numeric(b);
        const [x, y]: [number | string, number | string] = na !== undefined && nb !== undefined ? [na, nb] : [show(a), show(b)];
        switch (e.op) {
          case '==':
            return x === y;
          case '!=':
            return x !== y;
          case '>':
            return x > y;
          case '<':
            return x < y;
          case '>=':
            return x >= y;
          default:
            return x <= y;
        }
      }
    }
  };
  const emit = (s: string) => {
    size += s.length;
    if (size > maxOutput) throw new LimitError(`output larger than ${maxOutput} characters`);
    out.push(s);
  };
  const run = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.t === 'text') emit(n.s);
      else if (n.t === 'out') {
        let v = resolve(n.ref);
        if (v === MISSING || v === null || v === undefined) {
          if (n.def !== undefined) v = n.def;
          else {
            errors.push(`variable "${n.ref.scoped ? '' : 'var:'}${n.ref.path}" is not defined and has no default value`);
            continue;
          }
        }
        emit(html ? escapeHtml(show(v)) : show(v));
      } else if (n.t === 'if') {
        const hit = n.branches.find((b) => truthy(evaluate(b.cond)));
        run(hit ? hit.body : n.otherwise);
      } else {
        const list = evaluate(n.list);
        const name = n.list.t === 'ref' ? n.list.path : '?';
        if (list === MISSING) {
          errors.push(`loop variable "${name}" is not defined`);
          continue;
        }
        if (!Array.isArray(list)) {
          errors.push(`loop variable "${name}" is not a list`);
          continue;
        }
        for (const item of list) {
          if (++iterations > maxIterations) throw new LimitError(`more than ${maxIterations} loop iterations`);
          scopes.push({ [n.name]: item });
          try {
            run(n.body);
          } finally {
            scopes.pop();
          }
        }
      }
    }
  };
  try {
    run(tree);
  } catch (e) {
    if (e instanceof LimitError) return { ok: false, text: out.join(''), errors: [...errors, e.message] };
    throw e;
  }
  return { ok: errors.length === 0, text: out.join(''), errors };
}
