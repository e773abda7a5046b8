import { StackError } from "./errors.js";
import type { Value } from "./value.js";

/**
 * Terraform's JSON syntax treats every string as a template: literal text with
 * `${ expr }` interpolations. This file turns such a string into a small AST
 * (lazy tokenizer + recursive descent), covering the HCL expression subset that
 * cdktf emits: references, calls, tuple/object literals, nested quoted
 * templates, operators and conditionals.
 */

export type Step = { kind: "attr"; name: string } | { kind: "index"; key: Expr } | { kind: "splat" };

export type Expr =
  | { kind: "literal"; value: Value }
  | { kind: "template"; parts: Array<string | Expr> }
  /** a traversal rooted at a name: `var.x`, `aws_sqs_queue.q.arn`, `local.l[0]` */
  | { kind: "ref"; root: string; steps: Step[] }
  /** attribute/index access on a computed value: `split(",", x)[0]` */
  | { kind: "postfix"; target: Expr; steps: Step[] }
  | { kind: "call"; name: string; args: Expr[]; expandLast: boolean }
  | { kind: "tuple"; items: Expr[] }
  | { kind: "object"; entries: Array<{ key: Expr; value: Expr }> }
  | { kind: "unary"; op: "!" | "-"; operand: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "conditional"; cond: Expr; then: Expr; otherwise: Expr };

export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/" | "%";

type Token =
  | { t: "ident"; v: string }
  | { t: "number"; v: number }
  | { t: "quote" }
  | { t: "punct"; v: string }
  | { t: "eof" };

// sticky, so matching starts at lastIndex without copying the rest of the source
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const PUNCTS = ["...", "==", "!=", "<=", ">=", "&&", "||", "=>", "{", "}", "[", "]", "(", ")", ",", ".", "?", ":", "=", "<", ">", "+", "-", "*", "/", "%", "!", "~"];

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string): never {
    throw new StackError(
      "ExpressionSyntax",
      `${message} at offset ${this.pos} in ${JSON.stringify(this.src)}`,
    );
  }

  /** The template of a whole JSON string: backslash escapes were already handled by JSON. */
  topTemplate(): Expr {
    const parts = this.templateParts(false);
    if (this.pos < this.src.length) this.fail("unexpected text after template");
    return simplifyTemplate(parts);
  }

  /** Reads template text until a closing quote (quoted) or the end of input. */
  templateParts(quoted: boolean): Array<string | Expr> {
    const parts: Array<string | Expr> = [];
    let text = "";
    const src = this.src;
    for (;;) {
      if (this.pos >= src.length) {
        if (quoted) this.fail("unterminated string literal");
        break;
      }
      const c = src[this.pos];
      if (quoted && c === '"') {
        this.pos++;
        break;
      }
      if (src.startsWith("$${", this.pos)) {
        text += "${";
        this.pos += 3;
        continue;
      }
      if (src.startsWith("%%{", this.pos)) {
        text += "%{";
        this.pos += 3;
        continue;
      }
      if (src.startsWith("%{", this.pos)) {
        this.fail("template directives (%{ if }/%{ for }) are not supported; compute the value in the stack code instead");
      }
      if (src.startsWith("${", this.pos)) {
        this.pos += 2;
        // `${~` and `~}` strip the whitespace beside the interpolation
        if (src[this.pos] === "~") {
          this.pos++;
          text = text.trimEnd();
        }
        if (text) parts.push(text);
        text = "";
        parts.push(this.expression());
        this.skipSpace();
        const stripAfter = src[this.pos] === "~";
        if (stripAfter) this.pos++;
        this.expectPunct("}");
        if (stripAfter) while (this.pos < src.length && /\s/.test(src[this.pos])) this.pos++;
        continue;
      }
      if (quoted && c === "\\") {
        text += this.escape();
        continue;
      }
      if (quoted && c === "\n") this.fail("newline in string literal");
      text += c;
      this.pos++;
    }
    if (text) parts.push(text);
    return parts;
  }

  escape(): string {
    const src = this.src;
    const e = src[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = e === "u" ? 4 : 8;
        const hex = src.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail(`invalid \\${e} escape`);
        this.pos += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        return this.fail(`invalid escape sequence \\${e ?? ""}`);
    }
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  /** Looks at the next token without consuming it. */
  peek(): Token & { end: number } {
    this.skipSpace();
    const src = this.src;
    const start = this.pos;
    if (start >= src.length) return { t: "eof", end: start };
    const c = src[start];
    if (c === '"') return { t: "quote", end: start + 1 };
    IDENT.lastIndex = start;
    const ident = IDENT.exec(src);
    if (ident) return { t: "ident", v: ident[0], end: start + ident[0].length };
    NUMBER.lastIndex = start;
    const num = NUMBER.exec(src);
    if (num) return { t: "number", v: Number(num[0]), end: start + num[0].length };
    for (const p of PUNCTS) if (src.startsWith(p, start)) return { t: "punct", v: p, end: start + p.length };
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  take(): Token {
    const tok = this.peek();
    this.pos = tok.end;
    return tok;
  }

  isPunct(v: string): boolean {
    const tok = this.peek();
    return tok.t === "punct" && tok.v === v;
  }

  acceptPunct(v: string): boolean {
    if (!this.isPunct(v)) return false;
    this.take();
    return true;
  }

  expectPunct(v: string): void {
    if (!this.acceptPunct(v)) {
      const tok = this.peek();
      this.fail(`expected "${v}" but found ${describe(tok)}`);
    }
  }

  expression(): Expr {
    const cond = this.binary(0);
    if (!this.acceptPunct("?")) return cond;
    const then = this.expression();
    this.expectPunct(":");
    const otherwise = this.expression();
    return { kind: "conditional", cond, then, otherwise };
  }

  binary(level: number): Expr {
    if (level >= LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const tok = this.peek();
      if (tok.t !== "punct" || !LEVELS[level].includes(tok.v as BinaryOp)) return left;
      this.take();
      const right = this.binary(level + 1);
      left = { kind: "binary", op: tok.v as BinaryOp, left, right };
    }
  }

  unary(): Expr {
    if (this.acceptPunct("!")) return { kind: "unary", op: "!", operand: this.unary() };
    if (this.acceptPunct("-")) return { kind: "unary", op: "-", operand: this.unary() };
    return this.postfix(this.primary());
  }

  postfix(target: Expr): Expr {
    const steps: Step[] = [];
    for (;;) {
      if (this.acceptPunct(".")) {
        const tok = this.take();
        if (tok.t === "ident") steps.push({ kind: "attr", name: tok.v });
        else if (tok.t === "number" && Number.isInteger(tok.v)) steps.push({ kind: "index", key: { kind: "literal", value: tok.v } });
        else if (tok.t === "punct" && tok.v === "*") steps.push({ kind: "splat" });
        else this.fail(`expected an attribute name after "." but found ${describe(tok)}`);
      } else if (this.isPunct("[")) {
        this.take();
        if (this.acceptPunct("*")) steps.push({ kind: "splat" });
        else steps.push({ kind: "index", key: this.expression() });
        this.expectPunct("]");
      } else break;
    }
    if (steps.length === 0) return target;
    if (target.kind === "ref") return { kind: "ref", root: target.root, steps: [...target.steps, ...steps] };
    return { kind: "postfix", target, steps };
  }

  primary(): Expr {
    const tok = this.take();
    switch (tok.t) {
      case "number":
        return { kind: "literal", value: tok.v };
      case "quote":
        return simplifyTemplate(this.templateParts(true));
      case "ident": {
        if (tok.v === "true") return { kind: "literal", value: true };
        if (tok.v === "false") return { kind: "literal", value: false };
        if (tok.v === "null") return { kind: "literal", value: null };
        if (this.isPunct("(")) return this.call(tok.v);
        return { kind: "ref", root: tok.v, steps: [] };
      }
      case "punct":
        if (tok.v === "(") {
          const inner = this.expression();
          this.expectPunct(")");
          return inner;
        }
        if (tok.v === "[") return this.tuple();
        if (tok.v === "{") return this.object();
        return this.fail(`unexpected "${tok.v}"`);
      case "eof":
        return this.fail("unexpected end of expression");
    }
  }

  call(name: string): Expr {
    this.expectPunct("(");
    const args: Expr[] = [];
    let expandLast = false;
    while (!this.acceptPunct(")")) {
      args.push(this.expression());
      if (this.acceptPunct("...")) expandLast = true;
      if (this.acceptPunct(")")) break;
      this.expectPunct(",");
    }
    return { kind: "call", name, args, expandLast };
  }

  tuple(): Expr {
    this.rejectFor("[");
    const items: Expr[] = [];
    while (!this.acceptPunct("]")) {
      items.push(this.expression());
      if (this.acceptPunct("]")) break;
      this.expectPunct(",");
    }
    return { kind: "tuple", items };
  }

  object(): Expr {
    this.rejectFor("{");
    const entries: Array<{ key: Expr; value: Expr }> = [];
    while (!this.acceptPunct("}")) {
      const save = this.pos;
      const tok = this.take();
      let key: Expr;
      if (tok.t === "ident" && (this.isPunct("=") || this.isPunct(":"))) key = { kind: "literal", value: tok.v };
      else {
        this.pos = save;
        key = this.expression();
      }
      if (!this.acceptPunct("=")) this.expectPunct(":");
      entries.push({ key, value: this.expression() });
      if (this.acceptPunct("}")) break;
      this.acceptPunct(",");
    }
    return { kind: "object", entries };
  }

  rejectFor(open: string): void {
    const tok = this.peek();
    if (tok.t === "ident" && tok.v === "for") {
      this.fail(`"${open}for ...${open === "[" ? "]" : "}"}" expressions are not supported; build the collection in the stack code`);
    }
  }
}

const LEVELS: BinaryOp[][] = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];

function describe(tok: Token): string {
  switch (tok.t) {
    case "eof":
      return "the end of the expression";
    case "quote":
      return "a string";
    case "ident":
      return `"${tok.v}"`;
    case "number":
      return String(tok.v);
    case "punct":
      return `"${tok.v}"`;
  }
}

/** `"${x}"` alone keeps x's type (HCL's template wrap); plain text is a literal. */
function simplifyTemplate(parts: Array<string | Expr>): Expr {
  if (parts.length === 0) return { kind: "literal", value: "" };
  const only = parts[0];
  if (parts.length === 1) return typeof only === "string" ? { kind: "literal", value: only } : only;
  return { kind: "template", parts };
}

const cache = new Map<string, Expr>();

/** Parses one JSON string value of a Terraform JSON configuration. */
export function parseTemplate(src: string): Expr {
  if (!src.includes("${") && !src.includes("%{")) return { kind: "literal", value: src };
  let ast = cache.get(src);
  if (!ast) {
    ast = new Parser(src).topTemplate();
    if (cache.size > 5000) cache.clear();
    cache.set(src, ast);
  }
  return ast;
}

/** Parses a bare expression (no `${ }`), as in `depends_on` entries or tests. */
export function parseExpression(src: string): Expr {
  const p = new Parser(src);
  const e = p.expression();
  p.skipSpace();
  if (p.pos < src.length) p.fail("unexpected text after expression");
  return e;
}
