//! The lexical layer: comments, words, script words and the preprocessor
//! directives, each parsed with the rules of `grammar/keepalived.pest`.

use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/keepalived.pest"]
struct Grammar;

/// A physical line with its comment removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decommented {
    /// The text, leading and trailing blanks removed; a trailing `\` is kept
    /// when the line ended with one (a continuation for `$NAME=`).
    pub text: String,
    /// Characters removed from the start of the line.
    pub lead: usize,
    pub unterminated_quote: bool,
}

/// Remove comments and comment escapes the way keepalived does.
pub fn decomment(line: &str) -> Decommented {
    let lead = line.chars().take_while(|c| *c == ' ' || *c == '\t').count();
    if !line.contains(['#', '!', '"', '\\']) {
        // Nothing for the grammar to do: the common line is only trimmed.
        return Decommented {
            text: line.trim_matches([' ', '\t']).to_string(),
            lead,
            unterminated_quote: false,
        };
    }
    let mut text = String::with_capacity(line.len());
    let mut continued = false;
    let mut unterminated_quote = false;
    // The grammar matches every input, so a failure here would be a bug in
    // it; fall back to keeping the line unchanged rather than panicking.
    let Ok(mut pairs) = Grammar::parse(Rule::physical_line, line) else {
        return Decommented {
            text: line.trim_matches([' ', '\t']).to_string(),
            lead,
            unterminated_quote,
        };
    };
    let top = pairs.next().expect("physical_line pair");
    for piece in top.into_inner() {
        match piece.as_rule() {
            Rule::comment_escape => text.push_str(&piece.as_str()[1..]),
            Rule::continuation => continued = true,
            Rule::open_quote => {
                unterminated_quote = true;
                text.push('"');
                for inner in piece.into_inner() {
                    match inner.as_rule() {
                        Rule::continuation => continued = true,
                        _ => text.push_str(inner.as_str()),
                    }
                }
            }
            Rule::comment => {
                if piece
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::continuation)
                {
                    continued = true;
                }
            }
            _ => text.push_str(piece.as_str()),
        }
    }
    let trimmed = text.trim_end_matches([' ', '\t']).len();
    text.truncate(trimmed);
    if continued {
        text.push('\\');
    }
    Decommented {
        text,
        lead,
        unterminated_quote,
    }
}

/// One word of a keyword line and its character offset in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub col: usize,
    /// Written in double quotes.
    pub quoted: bool,
}

/// Split a keyword line into words. The flag is set when a `"` was not
/// closed (keepalived stops reading the line there).
pub fn words(line: &str) -> (Vec<Word>, bool) {
    let mut out = Vec::new();
    let mut unmatched = false;
    if !line.contains('"') {
        // Fast path for the common line without quotes.
        let mut start: Option<(usize, usize)> = None;
        for (col, (i, c)) in line.char_indices().enumerate() {
            if is_space(c) {
                if let Some((s, sc)) = start.take() {
                    out.push(Word {
                        text: line[s..i].to_string(),
                        col: sc,
                        quoted: false,
                    });
                }
            } else if start.is_none() {
                start = Some((i, col));
            }
        }
        if let Some((s, sc)) = start {
            out.push(Word {
                text: line[s..].to_string(),
                col: sc,
                quoted: false,
            });
        }
        return (out, false);
    }
    let Ok(mut pairs) = Grammar::parse(Rule::words, line) else {
        return (out, false);
    };
    for w in pairs.next().expect("words pair").into_inner() {
        let col = line[..w.as_span().start()].chars().count();
        match w.as_rule() {
            Rule::quoted_word => out.push(Word {
                text: w.into_inner().next().map_or("", |p| p.as_str()).to_string(),
                col,
                quoted: true,
            }),
            Rule::unmatched_quote => {
                unmatched = true;
                break;
            }
            Rule::bare_word => out.push(Word {
                text: w.as_str().to_string(),
                col,
                quoted: false,
            }),
            _ => {}
        }
    }
    (out, unmatched)
}

pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c' | '\n' | '\r' | '\x0b')
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptLexError {
    /// A quote was opened and never closed.
    MissingQuote(char),
    /// The text ends with a lone backslash.
    DanglingEscape,
}

/// Split the raw text of a script keyword into words the way a shell would:
/// both quote kinds group, adjacent pieces join, escapes are expanded.
pub fn script_words(line: &str) -> Result<Vec<String>, ScriptLexError> {
    let Ok(mut pairs) = Grammar::parse(Rule::script_words, line) else {
        return Err(ScriptLexError::DanglingEscape);
    };
    let mut out = Vec::new();
    for word in pairs.next().expect("script_words pair").into_inner() {
        if word.as_rule() != Rule::script_word {
            continue;
        }
        let mut bytes = Vec::new();
        for piece in word.into_inner() {
            match piece.as_rule() {
                Rule::bare_piece => bytes.extend_from_slice(piece.as_str().as_bytes()),
                Rule::escape => push_escape(&mut bytes, piece)?,
                Rule::sq_piece | Rule::dq_piece => {
                    let quote = piece.as_str().chars().next().unwrap_or('"');
                    // keepalived only notices an unclosed quote when plain
                    // text follows the last escape (or the opening quote):
                    // a line ending in `"` or `"...\n` is accepted as is.
                    let mut text_last = false;
                    for inner in piece.into_inner() {
                        match inner.as_rule() {
                            Rule::escape => {
                                // keepalived unescapes one byte: the rest of
                                // a multi-byte character is plain text.
                                text_last = !inner.as_str().is_ascii();
                                push_escape(&mut bytes, inner)?;
                            }
                            Rule::unterminated if text_last => {
                                return Err(ScriptLexError::MissingQuote(quote))
                            }
                            Rule::unterminated => {}
                            _ => {
                                bytes.extend_from_slice(inner.as_str().as_bytes());
                                text_last = true;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(out)
}

fn push_escape(bytes: &mut Vec<u8>, escape: Pair<'_, Rule>) -> Result<(), ScriptLexError> {
    let Some(kind) = escape.into_inner().next() else {
        return Err(ScriptLexError::DanglingEscape);
    };
    let s = kind.as_str();
    let byte = match kind.as_rule() {
        Rule::hex_escape => s[1..].bytes().fold(0u8, |acc, d| {
            (acc << 4) | (d as char).to_digit(16).unwrap_or(0) as u8
        }),
        Rule::ctrl_escape => {
            // keepalived works on bytes: only the first byte of a multi-byte
            // character becomes the control character, the rest stays.
            let rest = &s.as_bytes()[1..];
            let first = rest.first().copied().unwrap_or(b'@');
            bytes.push(first & 0x1f);
            bytes.extend_from_slice(rest.get(1..).unwrap_or_default());
            return Ok(());
        }
        Rule::octal_escape => s
            .bytes()
            .fold(0u8, |acc, d| acc.wrapping_shl(3).wrapping_add(d - b'0')),
        Rule::dangling_escape => return Err(ScriptLexError::DanglingEscape),
        _ => match s {
            "a" => 0x07,
            "b" => 0x08,
            "E" => 0x1b,
            "f" => 0x0c,
            "n" => b'\n',
            "r" => b'\r',
            "t" => b'\t',
            "v" => 0x0b,
            other => {
                bytes.extend_from_slice(other.as_bytes());
                return Ok(());
            }
        },
    };
    bytes.push(byte);
    Ok(())
}

/// `$NAME=VALUE`: the name and the value (blanks after `=` dropped).
pub fn definition(line: &str) -> Option<(&str, &str)> {
    let mut pairs = Grammar::parse(Rule::definition, line).ok()?;
    let mut inner = pairs.next()?.into_inner();
    let name = inner.next()?.as_str();
    let value = inner.next().map_or("", |p| p.as_str());
    Some((name, value))
}

/// `@ID rest` or `@^ID rest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditional<'a> {
    pub negate: bool,
    pub id: &'a str,
    /// Offset of the rest of the line, if there is one.
    pub rest: Option<(usize, &'a str)>,
}

pub fn conditional(line: &str) -> Option<Conditional<'_>> {
    let mut pairs = Grammar::parse(Rule::conditional, line).ok()?;
    let mut c = Conditional {
        negate: false,
        id: "",
        rest: None,
    };
    for p in pairs.next()?.into_inner() {
        match p.as_rule() {
            Rule::cond_negate => c.negate = true,
            Rule::cond_id => c.id = p.as_str(),
            Rule::cond_rest => c.rest = Some((p.as_span().start(), p.as_str())),
            _ => {}
        }
    }
    Some(c)
}

/// `include[rmwba] PATTERN`: the variant letter and the pattern.
pub fn include(line: &str) -> Option<(Option<char>, &str)> {
    let mut pairs = Grammar::parse(Rule::include, line).ok()?;
    let mut kind = None;
    let mut pattern = "";
    for p in pairs.next()?.into_inner() {
        match p.as_rule() {
            Rule::include_kind => kind = p.as_str().chars().next(),
            Rule::include_pattern => pattern = p.as_str(),
            _ => {}
        }
    }
    Some((kind, pattern))
}

/// The parts of a `~SEQ(...)` line, before its arguments are evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeqHead<'a> {
    pub hex: bool,
    pub var: &'a str,
    pub args: &'a str,
    pub text: &'a str,
}

pub fn seq_head(line: &str) -> Option<SeqHead<'_>> {
    let mut pairs = Grammar::parse(Rule::seq_head, line).ok()?;
    let mut h = SeqHead {
        hex: false,
        var: "",
        args: "",
        text: "",
    };
    for p in pairs.next()?.into_inner() {
        match p.as_rule() {
            Rule::seq_hex => h.hex = true,
            Rule::seq_var => h.var = p.as_str(),
            Rule::seq_args => h.args = p.as_str(),
            Rule::seq_text => h.text = p.as_str(),
            _ => {}
        }
    }
    Some(h)
}

/// The parts of a `~LST(...)` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LstHead<'a> {
    pub vars: Vec<&'a str>,
    pub sets: Vec<Vec<&'a str>>,
    pub text: &'a str,
}

pub fn lst_head(line: &str) -> Option<LstHead<'_>> {
    let mut pairs = Grammar::parse(Rule::lst_head, line).ok()?;
    let mut h = LstHead {
        vars: Vec::new(),
        sets: Vec::new(),
        text: "",
    };
    for p in pairs.next()?.into_inner() {
        match p.as_rule() {
            Rule::lst_vars => h.vars = p.into_inner().map(|v| v.as_str()).collect(),
            Rule::lst_sets => {
                for set in p.into_inner() {
                    h.sets.push(set.into_inner().map(|v| v.as_str()).collect());
                }
            }
            Rule::lst_text => h.text = p.as_str(),
            _ => {}
        }
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dc(s: &str) -> String {
        decomment(s).text
    }

    #[test]
    fn comments_start_with_hash_or_bang_outside_quotes() {
        assert_eq!(dc("  priority 100 # main node"), "priority 100");
        assert_eq!(dc("priority 100 ! main node"), "priority 100");
        assert_eq!(dc("# whole line"), "");
        assert_eq!(dc(r#"auth_pass "a#b!c" # x"#), r#"auth_pass "a#b!c""#);
        assert_eq!(dc("script 'a#b'"), "script 'a");
    }

    #[test]
    fn escaped_comment_characters_are_literal() {
        assert_eq!(dc(r"auth_pass pa\#ss\!"), "auth_pass pa#ss!");
        assert_eq!(dc(r#"x "a\#b""#), r#"x "a\#b""#);
        assert_eq!(dc(r"x a\tb"), r"x a\tb");
    }

    #[test]
    fn trailing_backslash_marks_continuation_even_after_comment() {
        assert_eq!(dc(r"$X=a   \"), r"$X=a\");
        assert_eq!(dc(r"$X=a # c \"), r"$X=a\");
        assert_eq!(dc(r"$X=a \\"), r"$X=a \\");
    }

    #[test]
    fn unterminated_quote_is_flagged() {
        let d = decomment(r#"notify "/bin/x # y"#);
        assert!(d.unterminated_quote);
        assert_eq!(d.text, r#"notify "/bin/x # y"#);
        assert!(!decomment(r#"a "b""#).unterminated_quote);
    }

    fn w(s: &str) -> Vec<String> {
        words(s).0.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_split_on_white_space_and_quotes() {
        assert_eq!(w("virtual_router_id\t51"), ["virtual_router_id", "51"]);
        assert_eq!(w(r#"a "b c" d"#), ["a", "b c", "d"]);
        assert_eq!(w(r#"ab"cd""#), ["ab", "cd"]);
        assert_eq!(w(r#"priority 1"00""#), ["priority", "1", "00"]);
        assert_eq!(w(r#"x """#), ["x", ""]);
        let (ws, unmatched) = words(r#"a "b c"#);
        assert!(unmatched);
        assert_eq!(ws.len(), 1);
        assert_eq!(words("  a  b").0[1].col, 5);
    }

    #[test]
    fn script_words_follow_shell_quoting() {
        let sw = |s: &str| script_words(s).unwrap();
        assert_eq!(sw(r#"script "/bin/a b" c"#), ["script", "/bin/a b", "c"]);
        assert_eq!(sw(r#"'it''s' "x"y"#), ["its", "xy"]);
        assert_eq!(sw(r"a\tb \x41\101 \cA \q"), ["a\tb", "AA", "\u{1}", "q"]);
        assert_eq!(sw(r"'a\nb'"), ["a\nb"]);
        assert_eq!(
            script_words(r#"x "unterminated"#),
            Err(ScriptLexError::MissingQuote('"'))
        );
        assert_eq!(script_words(r"x \"), Err(ScriptLexError::DanglingEscape));
        // Like keepalived, an unclosed quote is only an error when plain
        // text follows its last escape.
        assert_eq!(sw(r#"a ""#), ["a", ""]);
        assert_eq!(sw(r#"a "b\n"#), ["a", "b\n"]);
        assert_eq!(
            script_words(r#"a "\ne"#),
            Err(ScriptLexError::MissingQuote('"'))
        );
        assert_eq!(
            script_words("a '\\é"),
            Err(ScriptLexError::MissingQuote('\''))
        );
        // \c and \ work on the first byte of a multi-byte character.
        assert_eq!(sw("\\cé"), ["\u{3}\u{FFFD}"]);
        assert_eq!(sw("\\é"), ["é"]);
    }

    #[test]
    fn directives() {
        assert_eq!(definition("$IF=eth0"), Some(("IF", "eth0")));
        assert_eq!(definition("$X=  a b"), Some(("X", "a b")));
        assert_eq!(definition("$X =a"), None);
        assert_eq!(definition("$1X=a"), None);
        let c = conditional("@^node1 priority 90").unwrap();
        assert!(c.negate);
        assert_eq!(c.id, "node1");
        assert_eq!(c.rest.unwrap().1, "priority 90");
        assert_eq!(conditional("@node1").unwrap().rest, None);
        assert_eq!(include("include /etc/*.conf"), Some((None, "/etc/*.conf")));
        assert_eq!(include("includem a.conf"), Some((Some('m'), "a.conf")));
        assert_eq!(include("included a"), None);
        assert_eq!(include("include"), None);
        let s = seq_head("~SEQx(i, 1, 2, 10) vrid $i").unwrap();
        assert_eq!(
            (s.hex, s.var, s.args, s.text),
            (true, "i", "1, 2, 10", "vrid $i")
        );
        let s = seq_head("~SEQ(i 1 5) x").unwrap();
        assert_eq!((s.var, s.args), ("i", "5"));
        let l = lst_head("~LST({a,b}, {1,2}, {3}) t $a").unwrap();
        assert_eq!(l.vars, ["a", "b"]);
        assert_eq!(l.sets, vec![vec!["1", "2"], vec!["3"]]);
        assert_eq!(l.text, "t $a");
        let l = lst_head("~LST(v, x, y) t").unwrap();
        assert_eq!(l.sets, vec![vec!["x"], vec!["y"]]);
    }
}
