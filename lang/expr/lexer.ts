/** Tokens of the `${{ }}` expression language. */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
});
export const NumberLit = createToken({
  name: 'Number',
  pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
export const StringLit = createToken({
  name: 'String',
  pattern: /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/,
  label: 'a string',
});
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a name',
});
export const True = createToken({
  name: 'True',
  pattern: /true/,
  longer_alt: Identifier,
  label: '`true`',
});
export const False = createToken({
  name: 'False',
  pattern: /false/,
  longer_alt: Identifier,
  label: '`false`',
});
export const Null = createToken({
  name: 'Null',
  pattern: /null/,
  longer_alt: Identifier,
  label: '`null`',
});

function punct(name: string, text: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(text.replace(/[|*+?()[\]{}.^$\\/]/g, '\\$&')),
    label: `\`${text}\``,
  });
}

export const Power = punct('Power', '**');
export const Star = punct('Star', '*');
export const Slash = punct('Slash', '/');
export const Percent = punct('Percent', '%');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const EqEq = punct('EqEq', '==');
export const NotEq = punct('NotEq', '!=');
export const LessEq = punct('LessEq', '<=');
export const GreaterEq = punct('GreaterEq', '>=');
export const Less = punct('Less', '<');
export const Greater = punct('Greater', '>');
export const AndAnd = punct('AndAnd', '&&');
export const OrOr = punct('OrOr', '||');
export const Bang = punct('Bang', '!');
export const Question = punct('Question', '?');
export const Colon = punct('Colon', ':');
export const Comma = punct('Comma', ',');
export const Dot = punct('Dot', '.');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBrace = punct('LBrace', '{');
export const RBrace = punct('RBrace', '}');

/** Order matters: longer operators before their prefixes, keywords before names. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  NumberLit,
  StringLit,
  True,
  False,
  Null,
  Identifier,
  Power,
  Star,
  Slash,
  Percent,
  Plus,
  Minus,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  AndAnd,
  OrOr,
  Bang,
  Question,
  Colon,
  Comma,
  Dot,
  LBracket,
  RBracket,
  LParen,
  RParen,
  LBrace,
  RBrace,
];

export const exprLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: false,
});
