//! String templates: interpolations and `%{if}`/`%{for}` directives, over
//! literals as hclsyntax makes them (template_parts.rs: escapes, `~`
//! trimming and `<<-` stripping are applied there, once).

use super::*;

impl Scope<'_> {
    /// The template with hclsyntax's literal values (template_parts.rs),
    /// where hcl-edit's may differ; None where they are hcl-edit's own.
    /// `sp`: the template expression's span (its `"` or `<<`).
    pub(super) fn hclsyntax_template(
        &self,
        t: &Template,
        sp: Span,
        flush: bool,
    ) -> Result<Option<Template>, Fail> {
        use crate::jobspec::template_parts as parts;
        // Before 1.0, hcl v1 has neither directives nor `~`.
        if self.hcl1.is_some() || !parts::needs_hclsyntax(t, flush) {
            return Ok(None);
        }
        match parts::hclsyntax_template(t, sp.start, self.text) {
            Some(t) => Ok(Some(t)),
            None => Err(EvalError {
                code: shape::SHAPE_CANNOT_TELL,
                ..EvalError::new(
                    sp,
                    format!(
                        "cannot tell what Nomad {} makes of this template: its text is not read again here as hclsyntax reads it",
                        self.fns.version
                    ),
                    "judge the file on the cluster (`nomad job validate`)",
                )
            }
            .into()),
        }
    }

    /// A template's value: its literals as they are (hclsyntax's, with any
    /// `~` already applied: [`Self::hclsyntax_template`]), its
    /// interpolations and directives evaluated.
    pub(super) fn template(&mut self, t: &Template) -> Result<String, Fail> {
        let mut out = String::new();
        // hclsyntax evaluates every part and reports each one's errors.
        let mut gather = Gather::default();
        for el in t.iter() {
            match el {
                Element::Literal(l) => out.push_str(l.as_str()),
                Element::Interpolation(ip) => match self.ev(&ip.expr) {
                    Ok(v) => match self.interpolated(&v, &ip.expr) {
                        Ok(s) => out.push_str(&s),
                        Err(e) => gather.push(e),
                    },
                    Err(Fail::Runtime) => {
                        out.push_str("${");
                        out.push_str(&self.src(&ip.expr));
                        out.push('}');
                    }
                    Err(e) => {
                        gather.take(Err(e));
                    }
                },
                Element::Directive(d) => {
                    let r = match &**d {
                        Directive::If(ifd) => self.if_directive(ifd),
                        Directive::For(fd) => self.for_directive(fd),
                    };
                    if let Some(Value::String(s)) = gather.take(r.map(Value::String)) {
                        out.push_str(&s);
                    }
                }
            }
        }
        gather.finish()?;
        Ok(out)
    }

    /// An interpolation's value as text (TemplateExpr.Value): null and
    /// collections are refused at the expression.
    fn interpolated(&self, v: &Value, expr: &Expression) -> Result<String, EvalError> {
        const SUMMARY: &str = "Invalid template interpolation value";
        let help = "use jsonencode() or join() to turn a collection into a string";
        if matches!(v, Value::Null) {
            return Err(hcl_error(
                self.range(expr),
                SUMMARY,
                "The expression result is null. Cannot include a null value in a string template.",
                help,
            ));
        }
        let cty = crate::jobspec::functions::params::cty_release(self.fns.version);
        match functions::mismatch(v, &crate::jobspec::functions::params::Ty::String, cty) {
            Some(why) => Err(hcl_error(
                self.range(expr),
                SUMMARY,
                format!("Cannot include the given value in a string template: {why}."),
                help,
            )),
            None => Ok(to_string(v).unwrap_or_default()),
        }
    }

    /// `%{ if }`: a conditional whose results are templates.
    fn if_directive(&mut self, ifd: &hcl_edit::template::IfDirective) -> Result<String, Fail> {
        if self.condition(&ifd.if_expr.cond_expr)? {
            self.template(&ifd.if_expr.template)
        } else if let Some(e) = &ifd.else_expr {
            self.template(&e.template)
        } else {
            Ok(String::new())
        }
    }

    /// `%{ for }`: a `for` expression whose results are joined.
    fn for_directive(&mut self, fd: &hcl_edit::template::ForDirective) -> Result<String, Fail> {
        let fe = &fd.for_expr;
        let coll = self.ev(&fe.collection_expr)?;
        let key = fe.key_var.as_ref().map(|k| k.as_str());
        let items = self.iterable(&coll, &fe.collection_expr, key, &|| self.src(&fe.template))?;
        let mut out = String::new();
        let mut gather = Gather::default();
        for (k, v) in items {
            let base = self.bindings.len();
            if let Some(kn) = &fe.key_var {
                self.bindings.push((kn.as_str().to_string(), k));
            }
            self.bindings.push((fe.value_var.as_str().to_string(), v));
            let r = self.template(&fe.template);
            self.bindings.truncate(base);
            if let Some(Value::String(s)) = gather.take(r.map(Value::String)) {
                out.push_str(&s);
            }
        }
        gather.finish()?;
        Ok(out)
    }
}
