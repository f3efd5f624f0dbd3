use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// When a job file fails to parse, recognises HCL1-only syntax on the
    /// failing line (Nomad before 1.0) and says how to write it in HCL2:
    /// quoted argument names (`"FOO.BAR" = "x"` in a block), several
    /// arguments on one line of a block, a comma after an argument, quoted
    /// block types. Only for worlds on Nomad 1.0 or later: before 1.0 the
    /// server parses HCL1 and these lines are valid.
    ///
    /// ## Why is this bad?
    /// Nomad 1.0 switched to HCL2 and Nomad 1.9 removed the HCL1 parser:
    /// these files no longer submit, and the parse error alone does not say
    /// what the modern form is.
    ///
    /// ## Example
    /// ```hcl
    /// env {
    ///   "FOO.BAR" = "x"
    /// }
    /// port "http" { static = 80, to = 8080 }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// env = {
    ///   "FOO.BAR" = "x"
    /// }
    /// port "http" {
    ///   static = 80
    ///   to     = 8080
    /// }
    /// ```
    pub struct Hcl1Syntax {
        code: "NP106",
        name: "hcl1-syntax",
        severity: Error,
        summary: "HCL1-only syntax that Nomad 1.x rejects",
        needs: World,
    }
}

/// The HCL1 idiom on a line, with the HCL2 way to write it.
fn classify(line: &str) -> Option<(&'static str, &'static str)> {
    let t = line.trim();
    let quoted_key = t.starts_with('"')
        && t[1..]
            .find('"')
            .is_some_and(|e| t[e + 2..].trim_start().starts_with('='));
    if quoted_key {
        return Some((
            "quoted argument name inside a block (HCL1)",
            "HCL2 block arguments are bare identifiers: for keys with dots or dashes use the map form, e.g. `env = { \"FOO.BAR\" = \"x\" }`",
        ));
    }
    if t.starts_with('"') && t.ends_with('{') {
        return Some((
            "quoted block type (HCL1)",
            "write the block type bare: `job \"name\" {`",
        ));
    }
    if let (Some(open), Some(close)) = (t.find('{'), t.rfind('}')) {
        let inner = t.get(open + 1..close).unwrap_or("");
        if inner.matches('=').count() > 1 || (inner.contains('=') && inner.contains(',')) {
            return Some((
                "several arguments on one line of a block (HCL1)",
                "HCL2 allows one argument per line in a block: put each `name = value` on its own line",
            ));
        }
    }
    if t.contains('=')
        && t.trim_end_matches(|c: char| c.is_whitespace())
            .ends_with(',')
    {
        return Some((
            "comma after a block argument (HCL1)",
            "remove the trailing comma: HCL2 separates block arguments by newlines",
        ));
    }
    None
}

impl Rule for Hcl1Syntax {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if ctx.parsed.body.is_some() || !ctx.world.nomad_version.at_least(1, 0, 0) {
            return;
        }
        let src = ctx.source();
        let Some(at) = ctx
            .parsed
            .diags
            .iter()
            .filter(|d| d.is_error())
            .find_map(|d| d.primary_span())
        else {
            return;
        };
        let text = &src.text;
        let at = at.start.min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[start..end];
        let Some((what, help)) = classify(line) else {
            return;
        };
        let indent = line.len() - line.trim_start().len();
        let span = Span::new(start + indent, start + line.trim_end().len());
        out.push(
            ctx.finding(
                &Self::META,
                Some(span),
                what,
                format!("{what}: Nomad 1.x parses job files as HCL2 and rejects this line"),
            )
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn classifies_hcl1_idioms() {
        assert!(classify("  \"FOO.BAR\" = \"x\"").is_some());
        assert!(classify("port \"http\" { static = 80, to = 8080 }").is_some());
        assert!(classify("datacenters = [\"dc1\"],").is_some());
        assert!(classify("\"job\" \"x\" {").is_some());
        assert!(classify("port \"http\" { static = 80 }").is_none());
        assert!(classify("count = 1").is_none());
    }

    /// Each idiom needs all of its marks, and nothing else passes for one.
    #[test]
    fn idioms_need_all_their_marks() {
        // A quote inside a line that does not start with one: no quoted key.
        assert_eq!(classify("label\" = 1"), None);
        // A block opened with a bare type is HCL2.
        assert_eq!(classify("group \"g\" {"), None);
        // One argument in an inline map: HCL2; two without a comma: HCL1.
        assert_eq!(classify("env = { A = 1 }"), None);
        // Only what is between the braces counts: not the `=` before them.
        assert_eq!(classify("env ={ A = 1 }"), None);
        assert_eq!(
            classify("port \"http\" { static = 80 to = 8080 }").map(|c| c.0),
            Some("several arguments on one line of a block (HCL1)")
        );
    }

    #[test]
    fn explains_the_parse_error_line() {
        let text = "job \"web\" {\n  group \"g\" {\n    task \"t\" {\n      env {\n        \"FOO.BAR\" = \"x\"\n      }\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        assert!(p.body.is_none(), "hcl-edit rejects quoted keys in blocks");
        let at = text.find("\"FOO").unwrap_or_default();
        assert!(
            p.diags
                .iter()
                .any(|d| d.is_error() && d.primary_span().is_some_and(|s| s.start == at)),
            "the front end reports the error on the line the rule explains"
        );
        let world = world();
        let mut out = Vec::new();
        Hcl1Syntax.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!("rule_np106_hcl1_syntax", crate::diag::render(&out, false));
    }

    /// Before 1.0 the server parses HCL1, where the line is valid: the rule
    /// is silent under a 0.x world even though our HCL2 front end rejects
    /// the file, and speaks again from 1.0.0.
    #[test]
    fn silent_before_1_0_where_hcl1_is_the_format() {
        let text = "job \"web\" {\n  group \"g\" {\n    task \"t\" {\n      env {\n        \"FOO.BAR\" = \"x\"\n      }\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        assert!(p.body.is_none() && p.diags.iter().any(|d| d.is_error()));
        let found = |v: crate::version::NomadVersion| {
            let mut world = world();
            world.nomad_version = v;
            let mut out = Vec::new();
            Hcl1Syntax.check(&RuleContext::new(&p, &world, None), &mut out);
            out.len()
        };
        let v = crate::version::NomadVersion::new;
        assert_eq!(found(v(0, 9, 3)), 0);
        assert_eq!(found(v(0, 12, 9)), 0);
        assert_eq!(found(v(1, 0, 0)), 1);
    }
}
