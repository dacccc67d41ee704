/**
 * Parser of the expression language (Chevrotain, embedded actions). Produces
 * an Expr tree; errors come back as values with our own messages.
 */
import { EmbeddedActionsParser, EOF, type IToken, type TokenType } from 'chevrotain';
import { depth, type Expr } from './ast.js';
import * as T from './lexer.js';

export interface ParseError {
  message: string;
  /** Offset in the expression text and length of the offending text. */
  offset: number;
  length: number;
}

function shown(tok: IToken): string {
  return tok.tokenType === EOF ? 'the end of the expression' : `\`${tok.image}\``;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

const messages = {
  buildMismatchTokenMessage(o: { expected: TokenType; actual: IToken }): string {
    return `expected ${label(o.expected)} but found ${shown(o.actual)}`;
  },
  buildNotAllInputParsedMessage(o: { firstRedundant: IToken }): string {
    return `unexpected ${shown(o.firstRedundant)} after a complete expression`;
  },
  buildNoViableAltMessage(o: { actual: IToken[] }): string {
    const tok = o.actual[0];
    return tok ? `expected a value but found ${shown(tok)}` : 'expected a value';
  },
  buildEarlyExitMessage(o: { actual: IToken[] }): string {
    const tok = o.actual[0];
    return tok ? `expected a value but found ${shown(tok)}` : 'expected a value';
  },
};

const end = (t: IToken) => t.startOffset + t.image.length;

function unquote(image: string): string {
  const body = image.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c;
  });
}

class ExprParser extends EmbeddedActionsParser {
  constructor() {
    super(T.allTokens, { maxLookahead: 2, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  expression = this.RULE('expression', (): Expr => {
    const test = this.SUBRULE(this.orExpr);
    let result = test;
    this.OPTION(() => {
      this.CONSUME(T.Question);
      const then = this.SUBRULE(this.expression);
      this.CONSUME(T.Colon);
      const otherwise = this.SUBRULE2(this.expression);
      result = {
        type: 'conditional',
        test,
        then,
        otherwise,
        offset: test?.offset,
        end: otherwise?.end,
      };
    });
    return result;
  });

  private binary(rule: () => Expr, ops: TokenType[], name: string) {
    return this.RULE(name, (): Expr => {
      let left = this.SUBRULE(rule as never) as Expr;
      this.MANY(() => {
        const op = this.OR(ops.map((t) => ({ ALT: () => this.CONSUME(t) })));
        const right = this.SUBRULE2(rule as never) as Expr;
        left = {
          type: 'binary',
          op: op.image,
          opOffset: op.startOffset,
          left,
          right,
          offset: left?.offset,
          end: right?.end,
        };
      });
      return left;
    });
  }

  unary: () => Expr = this.RULE('unary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const op = this.OR2([
            { ALT: () => this.CONSUME(T.Minus) },
            { ALT: () => this.CONSUME(T.Plus) },
            { ALT: () => this.CONSUME(T.Bang) },
          ]);
          const operand = this.SUBRULE(this.unary);
          return {
            type: 'unary',
            op: op.image,
            operand,
            offset: op.startOffset,
            end: operand?.end,
          };
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  // `**` binds tighter than unary minus on its left and is right-associative.
  power: () => Expr = this.RULE('power', (): Expr => {
    const left = this.SUBRULE(this.postfix);
    let result = left;
    this.OPTION(() => {
      const op = this.CONSUME(T.Power);
      const right = this.SUBRULE(this.unary);
      result = {
        type: 'binary',
        op: '**',
        opOffset: op.startOffset,
        left,
        right,
        offset: left?.offset,
        end: right?.end,
      };
    });
    return result;
  });

  multiplicative = this.binary(this.unary, [T.Star, T.Slash, T.Percent], 'multiplicative');
  additive = this.binary(this.multiplicative, [T.Plus, T.Minus], 'additive');
  comparison = this.binary(this.additive, [T.LessEq, T.GreaterEq, T.Less, T.Greater], 'comparison');
  equality = this.binary(this.comparison, [T.EqEq, T.NotEq], 'equality');
  andExpr = this.binary(this.equality, [T.AndAnd], 'andExpr');
  orExpr: () => Expr = this.binary(this.andExpr, [T.OrOr], 'orExpr');

  postfix = this.RULE('postfix', (): Expr => {
    let e = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.CONSUME(T.Identifier);
            e = {
              type: 'member',
              object: e,
              name: name.image,
              nameOffset: name.startOffset,
              offset: e?.offset,
              end: end(name),
            };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RBracket);
            e = { type: 'index', object: e, index, offset: e?.offset, end: end(close) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const args: Expr[] = [];
            this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE2(this.expression)) });
            const close = this.CONSUME(T.RParen);
            e = { type: 'call', callee: e, args, offset: e?.offset, end: end(close) };
          },
        },
      ]);
    });
    return e;
  });

  primary = this.RULE('primary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberLit);
          return { type: 'literal', value: Number(t.image), offset: t.startOffset, end: end(t) };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLit);
          return {
            type: 'literal',
            value: this.ACTION(() => unquote(t.image)),
            offset: t.startOffset,
            end: end(t),
          };
        },
      },
      { ALT: () => this.keyword(this.CONSUME(T.True), true) },
      { ALT: () => this.keyword(this.CONSUME(T.False), false) },
      { ALT: () => this.keyword(this.CONSUME(T.Null), null) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return { type: 'name', name: t.image, offset: t.startOffset, end: end(t) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const e = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          return e;
        },
      },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.mapLiteral) },
    ]);
  });

  listLiteral = this.RULE('listLiteral', (): Expr => {
    const open = this.CONSUME(T.LBracket);
    const items: Expr[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
    const close = this.CONSUME(T.RBracket);
    return { type: 'list', items, offset: open.startOffset, end: end(close) };
  });

  mapLiteral = this.RULE('mapLiteral', (): Expr => {
    const open = this.CONSUME(T.LBrace);
    const entries: { key: string; keyOffset: number; value: Expr }[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const key = this.OR([
          { ALT: () => this.CONSUME(T.Identifier) },
          { ALT: () => this.CONSUME(T.StringLit) },
        ]);
        this.CONSUME(T.Colon);
        const value = this.SUBRULE(this.expression);
        this.ACTION(() => {
          const name = key.tokenType === T.StringLit ? unquote(key.image) : key.image;
          entries.push({ key: name, keyOffset: key.startOffset, value });
        });
      },
    });
    const close = this.CONSUME(T.RBrace);
    return { type: 'map', entries, offset: open.startOffset, end: end(close) };
  });

  private keyword(t: IToken, value: boolean | null): Expr {
    return { type: 'literal', value, offset: t.startOffset, end: end(t) };
  }
}

let parser: ExprParser | undefined;

/** Parses one expression; returns the tree or the first syntax error. */
export function parseExpression(text: string): { expr?: Expr; error?: ParseError } {
  const lexed = T.exprLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0]!;
    const ch = text.slice(e.offset, e.offset + 1);
    const quote = ch === "'" || ch === '"';
    const what = quote ? 'this string is not closed' : `unexpected character \`${ch}\``;
    return {
      error: { message: what, offset: e.offset, length: quote ? text.length - e.offset : 1 },
    };
  }
  if (lexed.tokens.length === 0) {
    return {
      error: { message: 'the expression is empty', offset: 0, length: Math.max(1, text.length) },
    };
  }
  const tooBig = sizeProblem(text, lexed.tokens);
  if (tooBig !== undefined) return { error: tooBig };
  parser ??= new ExprParser();
  parser.input = lexed.tokens;
  let expr: Expr;
  try {
    expr = parser.expression();
  } catch (error) {
    // Long chains of prefix operators or `? :` still recurse once per link.
    if (!(error instanceof RangeError)) throw error;
    parser = undefined;
    return { error: nestedTooDeeply(text) };
  }
  const err = parser.errors[0];
  if (err) {
    const tok = err.token;
    const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
    const offset = atEnd ? text.trimEnd().length : tok.startOffset;
    return { error: { message: err.message, offset, length: atEnd ? 1 : tok.image.length } };
  }
  if (depth(expr) > MAX_DEPTH) return { error: nestedTooDeeply(text) };
  return { expr };
}

/** Limits that keep parsing and evaluation far from the call-stack limit. */
export const MAX_TOKENS = 2000;
export const MAX_DEPTH = 200;
const MAX_BRACKETS = 64;

function nestedTooDeeply(text: string): ParseError {
  return {
    message:
      `the expression is more than ${MAX_DEPTH} levels deep ` +
      '(nested brackets, calls and operators; a chain a + b + … counts a level per operator)',
    offset: 0,
    length: Math.max(1, text.length),
  };
}

/** Too many tokens, or brackets nested too deeply: the first offending place. */
function sizeProblem(text: string, tokens: IToken[]): ParseError | undefined {
  if (tokens.length > MAX_TOKENS) {
    const at = tokens[MAX_TOKENS]!;
    return {
      message: `the expression has ${tokens.length} tokens, more than the ${MAX_TOKENS} allowed; compute long values in params or split the expression`,
      offset: at.startOffset,
      length: Math.max(1, text.length - at.startOffset),
    };
  }
  let open = 0;
  for (const tok of tokens) {
    const image = tok.image;
    if (image === '(' || image === '[' || image === '{') open++;
    else if (image === ')' || image === ']' || image === '}') open--;
    if (open > MAX_BRACKETS) {
      return {
        message: `brackets nest more than ${MAX_BRACKETS} deep here`,
        offset: tok.startOffset,
        length: 1,
      };
    }
  }
  return undefined;
}
