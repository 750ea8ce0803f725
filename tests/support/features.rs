//! Language-feature cases for tests/differential.rs: comments and escapes,
//! quoting, brace placement, include (globs, braces, relative paths, the
//! includer/m/w/b/a checks), `@ID` lines with and without -i, `$NAME`
//! parameters and builtins, ~SEQ/~SEQx/~LST, unknown keywords and blocks
//! (the cascade), missing and extra braces, over-long lines, odd files, and a
//! few environment checks (scripts, interfaces).
//!
//! Most cases are written so that the feature decides the exit code: a line
//! that is kept or dropped, expanded or not, carries `kart_bogus` (an unknown
//! keyword, exit 5) or an out-of-range value, and its counterpart is clean.

use super::{Case, CaseFile};

/// The base instance (keepalived gives 0 for it in the test namespace).
const VI: &str = "vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.168.200.1/24
  }
}
";

/// Script security, for cases with scripts.
const SEC: &str = "global_defs {
  enable_script_security
  script_user root
}
";

/// The base instance with `priority 100` replaced by `line` (which may be
/// several lines).
fn vi_with(line: &str) -> String {
    VI.replace("  priority 100\n", &format!("  {line}\n"))
}

/// The base instance with `extra` added before its closing brace.
fn vi_plus(extra: &str) -> String {
    let body = VI.trim_end().trim_end_matches('}');
    format!("{body}  {extra}\n}}\n")
}

fn case(name: &str, main: &str) -> Case {
    Case {
        name: format!("feat.{name}"),
        group: format!("feature {}", name.split('.').next().unwrap_or(name)),
        files: vec![CaseFile::new("keepalived.conf", main)],
        main: "keepalived.conf".into(),
        args: Vec::new(),
        known_difference: None,
    }
}

impl Case {
    fn file(mut self, path: &str, content: &str) -> Case {
        self.files.push(CaseFile::new(path, content));
        self
    }
    fn file_mode(mut self, path: &str, content: &str, mode: u32) -> Case {
        let mut f = CaseFile::new(path, content);
        f.mode = Some(mode);
        self.files.push(f);
        self
    }
    fn dir(mut self, path: &str) -> Case {
        self.files.push(CaseFile::dir(path));
        self
    }
    fn main_at(mut self, path: &str) -> Case {
        for f in &mut self.files {
            if f.path == self.main {
                f.path = path.to_string();
            }
        }
        self.main = path.to_string();
        self
    }
    fn args(mut self, args: &[&str]) -> Case {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }
    fn known(mut self, reason: &'static str) -> Case {
        self.known_difference = Some(reason);
        self
    }
    fn raw(name: &str, main: Vec<u8>) -> Case {
        let mut c = case(name, "");
        c.files = vec![CaseFile::bytes("keepalived.conf", main)];
        c
    }
}

/// Cases left out on purpose: (case, reason).
pub fn excluded() -> Vec<(String, String)> {
    vec![(
        "feat.param.builtin_env".into(),
        "${_ENV NAME} is not in keepalived 2.2.7 (added in 2.4.0): we expand it, 2.2.7 leaves it verbatim".into(),
    )]
}

pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    comments(&mut v);
    quoting(&mut v);
    braces(&mut v);
    includes(&mut v);
    conditionals(&mut v);
    parameters(&mut v);
    sequences(&mut v);
    unknown(&mut v);
    long_lines(&mut v);
    files(&mut v);
    environment(&mut v);
    v
}

fn comments(v: &mut Vec<Case>) {
    v.push(case("comment.hash_line", &format!("# a comment\n{VI}")));
    v.push(case("comment.bang_line", &format!("! a comment\n{VI}")));
    v.push(case(
        "comment.hides_unknown",
        &format!("# kart_bogus\n! kart_bogus\n{VI}"),
    ));
    v.push(case(
        "comment.indented",
        &format!("   # kart_bogus\n\t! kart_bogus\n{VI}"),
    ));
    v.push(case(
        "comment.trailing_hash",
        &vi_with("priority 100 # trailing"),
    ));
    v.push(case(
        "comment.trailing_bang",
        &vi_with("priority 100 ! trailing"),
    ));
    v.push(case(
        "comment.no_blank_before",
        &vi_with("priority 100#trailing"),
    ));
    v.push(case(
        "comment.control_unknown",
        &format!("kart_bogus # the keyword counts\n{VI}"),
    ));
    v.push(case("comment.escaped_hash", &vi_with("priority 100\\#x")));
    v.push(case("comment.escaped_bang", &vi_with("priority 100\\!x")));
    v.push(case(
        "comment.escaped_hash_word",
        &format!("global_defs {{\n  router_id a\\#b\n}}\n{VI}"),
    ));
    v.push(case(
        "comment.in_quotes",
        &format!("{SEC}{}", vi_plus("notify_master \"/bin/echo a#b\"")),
    ));
    v.push(case(
        "comment.bang_in_quotes",
        &format!("{SEC}{}", vi_plus("notify_master \"/bin/echo a!b\"")),
    ));
    // 2.2.7 keeps scanning a commented line for the continuation backslash.
    v.push(case(
        "comment.backslash_after_comment_continues_param",
        &format!("$X=priority 100 # note \\\nkart_bogus\n\n{}", vi_with("$X")),
    ));
    v.push(case(
        "comment.backslash_after_comment_plain_line",
        &format!("# note \\\n{VI}"),
    ));
}

fn quoting(v: &mut Vec<Case>) {
    v.push(case(
        "quote.unterminated",
        &format!("global_defs {{\n  router_id \"abc\n}}\n{VI}"),
    ));
    v.push(case(
        "quote.two_words",
        &format!("global_defs {{\n  router_id \"a b\"\n}}\n{VI}"),
    ));
    v.push(case(
        "quote.number_with_space",
        &vi_with("priority \"1 00\""),
    ));
    v.push(case("quote.quote_mid_word", &vi_with("priority 1\"00\"")));
    v.push(case("quote.quoted_number", &vi_with("priority \"100\"")));
    v.push(case(
        "quote.single_quotes_plain_keyword",
        &vi_with("priority '100'"),
    ));
    v.push(case("quote.empty_quotes", &vi_with("priority \"\"")));
    v.push(case(
        "quote.script_single_quotes",
        &format!("{SEC}{}", vi_plus("notify_master '/bin/true' root")),
    ));
    v.push(case(
        "quote.script_double_quotes_args",
        &format!(
            "{SEC}{}",
            vi_plus("notify_master \"/bin/true a b\" root root")
        ),
    ));
    v.push(case(
        "quote.script_unmatched",
        &format!("{SEC}{}", vi_plus("notify_master \"/bin/true")),
    ));
    v.push(case(
        "quote.script_joined_pieces",
        &format!("{SEC}{}", vi_plus("notify_master /bin/'tr'\"ue\"")),
    ));
    v.push(case(
        "quote.script_escapes",
        &format!(
            "{SEC}{}",
            vi_plus("notify_master \"/bin/echo \\t\\x41\\101\\n\"")
        ),
    ));
    v.push(case(
        "quote.script_escaped_missing_path",
        &format!("{SEC}{}", vi_plus("notify_master \"/bin/tru\\e\"")),
    ));
}

fn braces(v: &mut Vec<Case>) {
    v.push(case("brace.base", VI));
    v.push(case(
        "brace.next_line",
        &VI.replacen("VI_1 {\n", "VI_1\n{\n", 1),
    ));
    v.push(case(
        "brace.next_line_value_block",
        &VI.replace("virtual_ipaddress {\n", "virtual_ipaddress\n  {\n"),
    ));
    v.push(case(
        "brace.one_line_value_block",
        &VI.replace(
            "virtual_ipaddress {\n    192.168.200.1/24\n  }",
            "virtual_ipaddress { 192.168.200.1/24 }",
        ),
    ));
    v.push(case(
        "brace.one_line_instance",
        "vrrp_instance VI_1 { state BACKUP\ninterface eth0\nvirtual_router_id 51\npriority 100\nadvert_int 1\nvirtual_ipaddress { 192.168.200.1/24 } }\n",
    ));
    v.push(case(
        "brace.whole_block_one_line",
        "global_defs { router_id kart }\nvrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n192.168.200.1/24\n}\n}\n",
    ));
    v.push(case(
        "brace.chained_blocks",
        &format!(
            "{}}} vrrp_instance VI_2 {{\n  interface eth1\n  virtual_router_id 52\n  virtual_ipaddress {{\n    192.168.201.1/24\n  }}\n}}\n",
            VI.trim_end().trim_end_matches('}')
        ),
    ));
    v.push(case(
        "brace.double_close",
        &VI.replace(
            "    192.168.200.1/24\n  }\n}\n",
            "    192.168.200.1/24\n}}\n",
        ),
    ));
    v.push(case(
        "brace.text_after_open",
        &VI.replacen("VI_1 {\n  state BACKUP\n", "VI_1 { state BACKUP\n", 1),
    ));
    v.push(case(
        "brace.missing_close_at_eof",
        VI.trim_end().trim_end_matches('}'),
    ));
    v.push(case(
        "brace.two_missing_at_eof",
        &VI.replace("  }\n}\n", ""),
    ));
    v.push(case("brace.extra_close_top", &format!("{VI}}}\n")));
    v.push(case(
        "brace.extra_close_inside",
        &VI.replace("  advert_int 1\n", "  advert_int 1\n  }\n"),
    ));
    v.push(case(
        "brace.missing_open",
        &VI.replacen("VI_1 {\n", "VI_1\n", 1),
    ));
    v.push(case(
        "brace.missing_open_value_block",
        &VI.replace("virtual_ipaddress {\n", "virtual_ipaddress\n"),
    ));
    v.push(case(
        "brace.stray_open",
        &VI.replace("  advert_int 1\n", "  advert_int 1\n  {\n  }\n"),
    ));
    v.push(case(
        "brace.value_block_extra_params",
        &VI.replace("virtual_ipaddress {\n", "virtual_ipaddress kart extra {\n"),
    ));
    v.push(case(
        "brace.empty_value_block",
        &VI.replace(
            "virtual_ipaddress {\n    192.168.200.1/24\n  }",
            "virtual_ipaddress {\n  }",
        ),
    ));
    v.push(case("brace.empty_instance", "vrrp_instance VI_1 {\n}\n"));
    v.push(case(
        "brace.block_without_name",
        &VI.replacen("VI_1 {", "{", 1),
    ));
    v.push(case(
        "brace.close_with_text",
        &VI.replace("  advert_int 1\n", "  advert_int 1\n  } kart_bogus\n"),
    ));
}

fn includes(v: &mut Vec<Case>) {
    let bogus = "kart_bogus\n";
    v.push(case("include.plain", "include part.conf\n").file("part.conf", VI));
    v.push(case("include.absolute", "include @DIR@/part.conf\n").file("part.conf", VI));
    v.push(case(
        "include.missing",
        &format!("include missing.conf\n{VI}"),
    ));
    v.push(case(
        "include.missing_absolute",
        &format!("include @DIR@/missing.conf\n{VI}"),
    ));
    v.push(case("include.empty_file", &format!("include part.conf\n{VI}")).file("part.conf", ""));
    v.push(
        case("include.glob", "include parts/*.conf\n")
            .file("parts/a.conf", VI)
            .file("parts/b.conf", "global_defs {\n  router_id kart\n}\n"),
    );
    v.push(
        case("include.glob_reaches_bad_file", "include parts/*.conf\n")
            .file("parts/a.conf", VI)
            .file("parts/b.conf", bogus),
    );
    v.push(
        case("include.glob_question_mark", "include parts/?.conf\n")
            .file("parts/a.conf", VI)
            .file("parts/bb.conf", bogus),
    );
    v.push(
        case("include.glob_class", "include parts/[a].conf\n")
            .file("parts/a.conf", VI)
            .file("parts/b.conf", bogus),
    );
    v.push(
        case(
            "include.glob_no_match",
            &format!("include parts/*.none\n{VI}"),
        )
        .dir("parts"),
    );
    v.push(
        case("include.braces", "include parts/{a,b}.conf\n")
            .file("parts/a.conf", VI)
            .file("parts/b.conf", "global_defs {\n  router_id kart\n}\n")
            .file("parts/c.conf", bogus),
    );
    v.push(case("include.braces_partial", "include parts/{a,zz}.conf\n").file("parts/a.conf", VI));
    v.push(
        case("include.braces_with_glob", "include parts/{a*,q}.conf\n")
            .file("parts/a1.conf", VI)
            .file("parts/b.conf", bogus),
    );
    // Relative to the including file's folder, not the working directory.
    v.push(
        case("include.relative_to_includer", "include part.conf\n")
            .main_at("conf/keepalived.conf")
            .file("conf/part.conf", VI)
            .file("part.conf", &format!("{bogus}{VI}")),
    );
    v.push(
        case("include.nested_relative", "include sub/a.conf\n")
            .file("sub/a.conf", "include b.conf\n")
            .file("sub/b.conf", VI)
            .file("b.conf", &format!("{bogus}{VI}")),
    );
    v.push(
        case("include.dot_dot", "include ../common/part.conf\n")
            .main_at("conf/keepalived.conf")
            .file("common/part.conf", VI),
    );
    v.push(case("include.directory", &format!("include parts\n{VI}")).dir("parts"));
    v.push(
        case("include.directory_glob", &format!("include parts/*\n{VI}"))
            .dir("parts/sub.conf")
            .file("parts/a.conf", "global_defs {\n  router_id kart\n}\n"),
    );
    v.push(
        case(
            "include.executable_skipped",
            &format!("include exec.conf\n{VI}"),
        )
        .file_mode("exec.conf", bogus, 0o755),
    );
    v.push(
        case("include.inside_block", &vi_with("include prio.conf"))
            .file("prio.conf", "priority 100\n"),
    );
    v.push(
        case("include.inside_block_bad", &vi_with("include prio.conf"))
            .file("prio.conf", "priority 300\n"),
    );
    v.push(
        case(
            "include.unclosed_block_in_file",
            &format!("include part.conf\n{VI}"),
        )
        .file("part.conf", "global_defs {\n  router_id kart\n"),
    );
    v.push(
        case(
            "include.closes_outer_block",
            "vrrp_instance VI_1 {\ninclude body.conf\n",
        )
        .file(
            "body.conf",
            "interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n192.168.200.1/24\n}\n}\n",
        ),
    );
    v.push(
        case("include.pwd_braced", "include ${_PWD}/part.conf\n")
            .file("part.conf", &format!("{bogus}{VI}")),
    );
    v.push(
        case(
            "include.pwd_bare",
            &format!("include $_PWD/part.conf\n{VI}"),
        )
        .file("part.conf", bogus),
    );
    v.push(
        case("include.via_parameter", "$F=part.conf\ninclude $F\n")
            .file("part.conf", &format!("{bogus}{VI}")),
    );
    v.push(case(
        "include.recursive_self",
        &format!("include keepalived.conf\n{VI}"),
    ));
    v.push(case("include.quoted_name", "include \"part.conf\"\n").file("part.conf", VI));
    v.push(
        case(
            "include.two_words",
            &format!("include part.conf other.conf\n{VI}"),
        )
        .file("part.conf", "")
        .file("other.conf", bogus),
    );
    v.push(case("include.no_argument", &format!("include\n{VI}")));

    // The checking variants against each kind of problem.
    let problems: [(&str, &str); 5] = [
        ("missing", "missing.conf"),
        ("nomatch_wildcard", "parts/*.none"),
        ("brace_partial", "parts/{a,zz}.conf"),
        ("executable", "exec.conf"),
        ("ok", "parts/a.conf"),
    ];
    for kw in [
        "include", "includer", "includem", "includew", "includeb", "includea",
    ] {
        for (what, target) in problems {
            v.push(
                case(
                    &format!("include.check.{kw}.{what}"),
                    &format!("{kw} {target}\n{VI}"),
                )
                .file("parts/a.conf", "global_defs {\n  router_id kart\n}\n")
                .file_mode(
                    "exec.conf",
                    "global_defs {\n  router_id kart\n}\n",
                    0o755,
                ),
            );
        }
    }
    for (what, setting) in [
        ("all", "include_check"),
        ("match", "include_check match"),
        ("minus_match", "include_check -match"),
        ("wildcard", "include_check wildcard_match"),
    ] {
        v.push(case(
            &format!("include.include_check.{what}"),
            &format!(
                "global_defs {{\n  {setting}\n}}\ninclude missing.conf\ninclude parts/*.none\n{VI}"
            ),
        ));
    }
    v.push(
        case(
            "include.include_check_restored_after_file",
            "include part.conf\ninclude missing.conf\n",
        )
        .file(
            "part.conf",
            &format!("global_defs {{\n  include_check\n}}\n{VI}"),
        ),
    );
    v.push(
        case(
            "include.all_config_missing_include",
            &format!("include missing.conf\n{VI}"),
        )
        .args(&["-e"]),
    );
    v.push(case("include.all_config_clean", VI).args(&["-e"]));
    let mut missing_main = case("include.missing_main_file", "");
    missing_main.files.clear();
    v.push(missing_main);
    let mut missing_main_e = case("include.missing_main_file_all_config", "").args(&["-e"]);
    missing_main_e.files.clear();
    v.push(missing_main_e);
}

fn conditionals(v: &mut Vec<Case>) {
    v.push(case(
        "cond.match_keeps_line",
        &format!("@kacorpus kart_bogus\n{VI}"),
    ));
    v.push(case(
        "cond.other_drops_line",
        &format!("@other kart_bogus\n{VI}"),
    ));
    v.push(case(
        "cond.negated_match_drops",
        &format!("@^kacorpus kart_bogus\n{VI}"),
    ));
    v.push(case(
        "cond.negated_other_keeps",
        &format!("@^other kart_bogus\n{VI}"),
    ));
    v.push(case("cond.alone", &format!("@kacorpus\n@other\n{VI}")));
    v.push(case(
        "cond.in_block_kept",
        &vi_with("@kacorpus priority 300"),
    ));
    v.push(case(
        "cond.in_block_dropped",
        &vi_with("priority 100\n  @other priority 300"),
    ));
    v.push(case(
        "cond.case_sensitive",
        &format!("@KACORPUS kart_bogus\n{VI}"),
    ));
    v.push(case(
        "cond.prefix_of_id",
        &format!("@kacorp kart_bogus\n{VI}"),
    ));
    v.push(case("cond.block_header", "@kacorpus vrrp_instance VI_1 {\n@other vrrp_instance VI_X {\ninterface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n192.168.200.1/24\n}\n}\n"));
    v.push(case("cond.with_i.match", &format!("@node1 kart_bogus\n{VI}")).args(&["-i", "node1"]));
    v.push(
        case(
            "cond.with_i.hostname_no_longer_matches",
            &format!("@kacorpus kart_bogus\n{VI}"),
        )
        .args(&["-i", "node1"]),
    );
    v.push(
        case("cond.with_i.negated", &format!("@^node1 kart_bogus\n{VI}")).args(&["-i", "node1"]),
    );
    v.push(
        case(
            "cond.with_i.long_option",
            &format!("@node1 kart_bogus\n{VI}"),
        )
        .args(&["--config-id", "node1"]),
    );
    v.push(
        case(
            "cond.instance_builtin_with_i",
            &vi_with("priority ${_INSTANCE}"),
        )
        .args(&["-i", "150"]),
    );
    v.push(case(
        "cond.instance_builtin_without_i",
        &vi_with("priority ${_INSTANCE}"),
    ));
    v.push(
        case("cond.include", "@kacorpus include part.conf\n")
            .file("part.conf", VI)
            .known("keepalived 2.2.7 bug: `@ID include FILE` crashes intermittently (use-after-free, inventory errata); we do what the man page says"),
    );
    v.push(
        case("cond.from_parameter", &format!("$IF_B=@other\n{}", vi_with("$IF_B priority 300")))
            .known("keepalived 2.2.7 bug: a parameter expanding to a conditional corrupts the rest of the line (inventory errata)"),
    );
}

fn parameters(v: &mut Vec<Case>) {
    v.push(case(
        "param.simple",
        &format!("$PRIO=100\n{}", vi_with("priority $PRIO")),
    ));
    v.push(case(
        "param.simple_bad_value",
        &format!("$PRIO=300\n{}", vi_with("priority $PRIO")),
    ));
    v.push(case(
        "param.braced_in_word",
        &format!("$N=10\n{}", vi_with("priority ${N}0")),
    ));
    v.push(case(
        "param.bare_in_word_not_expanded",
        &format!("$N=10\n{}", vi_with("priority $N0")),
    ));
    v.push(case(
        "param.undefined_verbatim",
        &vi_with("priority $UNDEF"),
    ));
    v.push(case(
        "param.undefined_braced",
        &vi_with("priority ${UNDEF}"),
    ));
    v.push(case("param.space_before_equals", &format!("$X =100\n{VI}")));
    v.push(case(
        "param.space_after_equals",
        &format!("$X=   100\n{}", vi_with("priority $X")),
    ));
    v.push(case(
        "param.empty_value",
        &format!("$X=\n{}", vi_with("priority 100$X")),
    ));
    v.push(case(
        "param.redefined",
        &format!("$P=300\n$P=100\n{}", vi_with("priority $P")),
    ));
    v.push(case(
        "param.used_before_definition",
        &format!("{}$P=100\n", vi_with("priority $P")),
    ));
    v.push(case(
        "param.indented_definition",
        &format!("   $P=100\n{}", vi_with("priority $P")),
    ));
    v.push(case(
        "param.name_with_digits",
        &format!("$_P1=100\n{}", vi_with("priority $_P1")),
    ));
    v.push(case("param.bad_name", &format!("$1P=100\n{VI}")));
    v.push(case(
        "param.recursive_at_use_time",
        &format!("$A=${{B}}0\n$B=10\n{}", vi_with("priority $A")),
    ));
    v.push(case(
        "param.value_with_comment",
        &format!("$X=100 # note\n{}", vi_with("priority $X")),
    ));
    v.push(case(
        "param.value_with_hash_unquoted",
        &format!("$X=100\\#x\n{}", vi_with("priority $X")),
    ));
    v.push(case(
        "param.multiline_instance",
        "$INST=vrrp_instance VI_1 { \\\n  interface eth0 \\\n  virtual_router_id 51 \\\n  virtual_ipaddress { \\\n    192.168.200.1/24 \\\n  } \\\n}\n$INST\n",
    ));
    // A blank line ends the definition: `advert_int 1` is then a top-level
    // line (unknown there), not the last line of $P.
    v.push(case(
        "param.multiline_ends_at_blank_line",
        &format!("$P=priority 100 \\\n\nadvert_int 1\n{}", vi_with("$P")),
    ));
    v.push(case(
        "param.multiline_last_line_included",
        &format!("$P=priority 100 \\\nadvert_int 1\n{}", vi_with("$P")),
    ));
    v.push(case(
        "param.multiline_with_conditional",
        &format!(
            "$M=priority 100 \\\n@kacorpus kart_bogus \\\nadvert_int 1\n{}",
            vi_with("$M")
        ),
    ));
    v.push(case(
        "param.multiline_with_definition",
        &format!("$M=$P=100 \\\n! end of M\n$M\n{}", vi_with("priority $P")),
    ));
    v.push(case(
        "param.multiline_not_alone",
        &format!("$M=100 \\\nadvert_int 1\n{}", vi_with("priority $M")),
    ));
    v.push(case(
        "param.nested_multiline",
        "$VIP=virtual_ipaddress { \\\n192.168.200.1/24 \\\n}\n$INST=vrrp_instance VI_1 { \\\ninterface eth0 \\\nvirtual_router_id 51 \\\n$VIP \\\n}\n$INST\n",
    ));
    v.push(case(
        "param.followed_by_comma",
        &format!("$P=100\n{}", vi_with("~LST(x, $P, 150) priority $x")),
    ));
    v.push(case(
        "param.too_long_after_substitution",
        &format!(
            "$L={}\n{}",
            "x".repeat(600),
            vi_with("notify_master \"$L $L\"")
        ),
    ));
    v.push(case(
        "param.builtin_pwd_braced",
        &format!(
            "{SEC}{}",
            vi_plus("notify_master ${_PWD}/kart-missing-script")
        ),
    ));
    v.push(case(
        "param.builtin_random_fixed_ok",
        &vi_with("priority ${_RANDOM 100 100}"),
    ));
    v.push(case(
        "param.builtin_random_fixed_bad",
        &vi_with("priority ${_RANDOM 300 300}"),
    ));
    v.push(case(
        "param.builtin_hash_unquoted",
        &vi_with("priority 100${_HASH}junk"),
    ));
    v.push(case(
        "param.builtin_bang_unquoted",
        &vi_with("priority 100${_BANG}junk"),
    ));
    v.push(case(
        "param.builtin_hash_quoted",
        &format!("{SEC}{}", vi_plus("notify_master \"/bin/echo a${_HASH}b\"")),
    ));
    v.push(case(
        "param.builtin_redefined",
        &format!("$_INSTANCE=100\n{}", vi_with("priority ${_INSTANCE}")),
    ));
}

fn sequences(v: &mut Vec<Case>) {
    // `$i` must be followed by a blank, ',', ')' or the line end to expand;
    // `${i}` expands anywhere.
    let inst = "$I=vrrp_instance VI_$i { \\\ninterface eth0 \\\nvirtual_router_id $i \\\nvirtual_ipaddress { \\\n192.168.200.${i}/24 \\\n} \\\n}\n";
    v.push(case("seq.instances", &format!("{inst}~SEQ(i, 1, 3) $I\n")));
    v.push(case(
        "seq.priorities_ok",
        &vi_with("~SEQ(p, 250, 254) priority $p"),
    ));
    v.push(case(
        "seq.priorities_past_range",
        &vi_with("~SEQ(p, 250, 256) priority $p"),
    ));
    v.push(case(
        "seq.step",
        &vi_with("~SEQ(p, 100, 50, 250) priority $p"),
    ));
    v.push(case(
        "seq.step_past_range",
        &vi_with("~SEQ(p, 100, 50, 300) priority $p"),
    ));
    v.push(case(
        "seq.negative_step",
        &vi_with("~SEQ(p, 200, -50, 100) priority $p"),
    ));
    v.push(case("seq.one_argument", &vi_with("~SEQ(p, 3) priority $p")));
    v.push(case(
        "seq.negative_end",
        &vi_with("~SEQ(p, -3) priority $p"),
    ));
    v.push(case(
        "seq.without_commas",
        &vi_with("~SEQ(p 1 5) priority $p"),
    ));
    v.push(case(
        "seq.step_zero",
        &vi_with("~SEQ(p, 1, 0, 5) priority $p"),
    ));
    v.push(case(
        "seq.wrong_sign",
        &vi_with("~SEQ(p, 5, 1, 1) priority $p"),
    ));
    v.push(case(
        "seq.hex_base0_args",
        &vi_with("~SEQ(p, 0x10, 0x12) priority $p"),
    ));
    v.push(case(
        "seq.parameter_args",
        &format!("$E=3\n{}", vi_with("~SEQ(p, 1, $E) priority $p")),
    ));
    v.push(case(
        "seq.braced_var",
        &vi_with("~SEQ(p, 1, 3) priority ${p}0"),
    ));
    v.push(case("seq.bad_definition", &vi_with("~SEQ(p) priority $p")));
    v.push(case(
        "seq.not_a_number",
        &vi_with("~SEQ(p, 1, x) priority $p"),
    ));
    v.push(case(
        "seqx.hex_output_invalid_number",
        &vi_with("~SEQx(p, 250, 254) priority $p"),
    ));
    v.push(case(
        "seqx.hex_output_ok",
        &vi_with("~SEQx(p, 1, 9) priority $p"),
    ));
    v.push(case(
        "seqx.negative",
        &vi_with("~SEQx(p, -1, -5) priority $p"),
    ));
    v.push(case("lst.ok", &vi_with("~LST(p, 100, 150) priority $p")));
    v.push(case(
        "lst.bad_value",
        &vi_with("~LST(p, 100, 300) priority $p"),
    ));
    v.push(case(
        "lst.tuples",
        &vi_with("~LST({p,a}, {100,1}, {150,2}) priority $p"),
    ));
    v.push(case(
        "lst.tuples_bad",
        &vi_with("~LST({p,a}, {100,1}, {150,x}) advert_int $a"),
    ));
    v.push(case(
        "lst.tuple_missing_member",
        &vi_with("~LST({p,a}, {100}, {150,2}) priority $p$a"),
    ));
    v.push(case("lst.empty", &vi_with("~LST() priority 100")));
    v.push(case("lst.no_values", &vi_with("~LST(p) priority $p")));
    v.push(case(
        "lst.quoted_values",
        &vi_with("~LST(p, \"100\", 150) priority $p"),
    ));
    v.push(case(
        "seq.nested_with_lst",
        &VI.replace(
            "    192.168.200.1/24\n",
            "    ~SEQ(i, 1, 2) ~LST(j, 1, 2) 192.168.${i}.${j}/24\n",
        ),
    ));
    v.push(case(
        "seq.nested_with_lst_bad",
        &VI.replace(
            "    192.168.200.1/24\n",
            "    ~SEQ(i, 1, 2) ~LST(j, 1, 300) 192.168.${i}.${j}/24\n",
        ),
    ));
    v.push(case(
        "seq.nested_seq",
        &VI.replace(
            "    192.168.200.1/24\n",
            "    ~SEQ(i, 1, 2) ~SEQ(j, 255, 256) 192.168.${i}.${j}/24\n",
        ),
    ));
    v.push(case(
        "seq.multiline_text",
        &format!("{inst}~LST(i, 7, 8) $I\n"),
    ));
}

fn unknown(v: &mut Vec<Case>) {
    v.push(case("unknown.top_level", &format!("kart_bogus\n{VI}")));
    v.push(case(
        "unknown.top_level_with_args",
        &format!("kart_bogus 1 2 3\n{VI}"),
    ));
    v.push(case(
        "unknown.top_level_block",
        &format!("kart_defs {{\n  router_id kart\n}}\n{VI}"),
    ));
    v.push(case("unknown.in_instance", &vi_plus("kart_bogus 1")));
    v.push(case(
        "unknown.block_in_instance_applies_body",
        &vi_plus("kart_block {\n    priority 300\n  }"),
    ));
    v.push(case(
        "unknown.block_in_instance_cascade",
        &vi_plus("kart_block {\n    interface eth9\n  }\n  kart_more 1"),
    ));
    v.push(case(
        "unknown.typo_vip_block",
        &VI.replace("virtual_ipaddress {", "virtual_ipaddresss {"),
    ));
    v.push(case(
        "unknown.block_in_global_defs",
        &format!(
            "global_defs {{\n  kart_block {{\n    router_id kart\n  }}\n  vrrp_version 3\n}}\n{VI}"
        ),
    ));
    v.push(case(
        "unknown.case_differs",
        &VI.replace("  priority 100\n", "  Priority 100\n"),
    ));
    v.push(case(
        "unknown.keyword_of_other_block",
        &vi_plus("delay_loop 6"),
    ));
    v.push(case(
        "unknown.top_level_keyword_in_block",
        &vi_plus("global_defs {\n  }"),
    ));
    v.push(case("unknown.close_brace_word", &format!("{VI}kart}}\n")));
    v.push(case("unknown.numbers_only", &format!("12345\n{VI}")));
}

fn long_lines(v: &mut Vec<Case>) {
    // keepalived 2.2.7 reads lines into a 1024-byte buffer: a longer line is
    // split, and its rest is read as a line of its own.
    for (name, len) in [
        ("1000", 1000),
        ("1022", 1022),
        ("1023", 1023),
        ("1024", 1024),
        ("1100", 1100),
        ("3000", 3000),
    ] {
        let prefix = "  router_id ";
        let word = "k".repeat(len - prefix.len());
        v.push(case(
            &format!("long.router_id_line_{name}"),
            &format!("global_defs {{\n{prefix}{word}\n}}\n{VI}"),
        ));
    }
    let comment = format!("# {}\n", "c".repeat(1098));
    v.push(case("long.comment_line_1100", &format!("{comment}{VI}")));
    let split_kw = format!("#{}kart_bogus\n", " ".repeat(1022));
    v.push(case(
        "long.comment_then_word_after_1023",
        &format!("{split_kw}{VI}"),
    ));
    let blank_pad = format!("{}priority 100\n", " ".repeat(1030));
    v.push(case("long.leading_blanks", &vi_with(blank_pad.trim_end())));
}

fn files(v: &mut Vec<Case>) {
    v.push(case("file.empty", ""));
    v.push(case("file.only_comments", "# nothing\n! here\n"));
    v.push(case("file.only_blank_lines", "\n\n   \n\t\n"));
    v.push(case("file.crlf", &VI.replace('\n', "\r\n")));
    v.push(case(
        "file.crlf_unknown",
        &format!("kart_bogus\n{VI}").replace('\n', "\r\n"),
    ));
    v.push(case("file.cr_only", &VI.replace('\n', "\r")));
    v.push(case("file.no_final_newline", VI.trim_end()));
    v.push(case("file.tabs", &VI.replace("  ", "\t")));
    v.push(case(
        "file.form_feed_vertical_tab",
        &VI.replace("  priority 100", "\x0cpriority\x0b100"),
    ));
    v.push(Case::raw(
        "file.utf8_bom",
        [b"\xef\xbb\xbf".as_slice(), VI.as_bytes()].concat(),
    ));
    v.push(Case::raw(
        "file.latin1_comment",
        [b"# caf\xe9 \xa0\n".as_slice(), VI.as_bytes()].concat(),
    ));
    v.push(Case::raw(
        "file.utf8_keyword_chars",
        [VI.as_bytes(), "kart_bogus_é\n".as_bytes()].concat(),
    ));
    v.push(Case::raw(
        "file.nul_in_line",
        VI.replace("  priority 100\n", "  priority 100\u{0}kart_bogus\n")
            .into_bytes(),
    ));
    v.push(Case::raw(
        "file.nul_line_start",
        [VI.as_bytes(), b"\0kart_bogus\n".as_slice()].concat(),
    ));
}

fn environment(v: &mut Vec<Case>) {
    v.push(case(
        "env.notify_without_security",
        &vi_plus("notify_master /bin/true"),
    ));
    v.push(case(
        "env.notify_with_security",
        &format!("{SEC}{}", vi_plus("notify_master /bin/true")),
    ));
    v.push(case(
        "env.notify_missing_script",
        &format!("{SEC}{}", vi_plus("notify_master /nonexistent/kart-script")),
    ));
    v.push(case(
        "env.notify_relative_script",
        &format!("{SEC}{}", vi_plus("notify_master true")),
    ));
    v.push(
        case(
            "env.script_in_writable_dir",
            &format!("{SEC}{}", vi_plus("notify_master @DIR@/script.sh")),
        )
        .file_mode("script.sh", "#!/bin/sh\nexit 0\n", 0o777),
    );
    v.push(case(
        "env.script_user_unknown",
        &format!(
            "global_defs {{\n  enable_script_security\n  script_user kart_nosuchuser\n}}\n{}",
            vi_plus("notify_master /bin/true")
        ),
    ));
    v.push(case(
        "env.default_script_user_missing",
        &format!(
            "global_defs {{\n  enable_script_security\n}}\n{}",
            vi_plus("notify_master /bin/true")
        ),
    ));
    v.push(case(
        "env.vrrp_script_unused_without_security",
        &format!("vrrp_script chk {{\n  script /bin/true\n}}\n{VI}"),
    ));
    v.push(case(
        "env.misc_check_without_security",
        "virtual_server 10.0.0.1 80 {\n  delay_loop 6\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 10.0.0.2 80 {\n    MISC_CHECK {\n      misc_path /bin/true\n    }\n  }\n}\n",
    ));
    v.push(case(
        "env.missing_interface",
        &VI.replace("interface eth0", "interface eth9"),
    ));
    v.push(case(
        "env.loopback_interface",
        &VI.replace("interface eth0", "interface lo"),
    ));
    v.push(case(
        "env.other_test_interface",
        &VI.replace("interface eth0", "interface bond0"),
    ));
    v.push(case(
        "env.linkbeat_missing_interface_only",
        "linkbeat_interfaces {\n  eth9\n}\n",
    ));
    v.push(case("env.no_configuration_at_all", "global_defs {\n}\n"));
    v.push(case(
        "env.smtp_server_hostname",
        &format!("global_defs {{\n  smtp_server smtp.example.com\n}}\n{VI}"),
    ));
    v.push(case(
        "env.net_namespace",
        &format!("net_namespace kart_ns\n{}", vi_plus("kart_bogus")),
    ));
}
