//! String templates: interpolations, `%{if}`/`%{for}` directives and
//! their whitespace stripping.

use super::*;

impl Scope<'_> {
    pub(super) fn template(&mut self, t: &Template) -> Result<String, Fail> {
        self.template_stripped(t, false, false)
    }

    /// `lead`/`trail`: a `~` on the enclosing directive strips whitespace at
    /// the start/end of this (nested) template.
    pub(super) fn template_stripped(
        &mut self,
        t: &Template,
        lead: bool,
        trail: bool,
    ) -> Result<String, Fail> {
        let mut out = String::new();
        // hclsyntax evaluates every part and reports each one's errors.
        let mut gather = Gather::default();
        let elems: Vec<&Element> = t.iter().collect();
        for (i, el) in elems.iter().enumerate() {
            match el {
                Element::Literal(l) => {
                    let mut s: &str = l.as_str();
                    if (i > 0 && strip_after(elems[i - 1])) || (i == 0 && lead) {
                        s = s.trim_start();
                    }
                    if elems.get(i + 1).is_some_and(|n| strip_before(n))
                        || (i + 1 == elems.len() && trail)
                    {
                        s = s.trim_end();
                    }
                    out.push_str(s);
                }
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
        use hcl_edit::template::Strip;
        let end = |s: &Strip| matches!(s, Strip::End | Strip::Both);
        let start = |s: &Strip| matches!(s, Strip::Start | Strip::Both);
        let endif_start = start(&ifd.endif_expr.strip);
        if self.condition(&ifd.if_expr.cond_expr)? {
            let trail = ifd
                .else_expr
                .as_ref()
                .map(|e| start(&e.strip))
                .unwrap_or(endif_start);
            self.template_stripped(&ifd.if_expr.template, end(&ifd.if_expr.strip), trail)
        } else if let Some(e) = &ifd.else_expr {
            self.template_stripped(&e.template, end(&e.strip), endif_start)
        } else {
            Ok(String::new())
        }
    }

    /// `%{ for }`: a `for` expression whose results are joined.
    fn for_directive(&mut self, fd: &hcl_edit::template::ForDirective) -> Result<String, Fail> {
        use hcl_edit::template::Strip;
        let fe = &fd.for_expr;
        let coll = self.ev(&fe.collection_expr)?;
        let items = self.iterable(&coll, &fe.collection_expr)?;
        let lead = matches!(fe.strip, Strip::End | Strip::Both);
        let trail = matches!(fd.endfor_expr.strip, Strip::Start | Strip::Both);
        let mut out = String::new();
        let mut gather = Gather::default();
        for (k, v) in items {
            let base = self.bindings.len();
            if let Some(kn) = &fe.key_var {
                self.bindings.push((kn.as_str().to_string(), k));
            }
            self.bindings.push((fe.value_var.as_str().to_string(), v));
            let r = self.template_stripped(&fe.template, lead, trail);
            self.bindings.truncate(base);
            if let Some(Value::String(s)) = gather.take(r.map(Value::String)) {
                out.push_str(&s);
            }
        }
        gather.finish()?;
        Ok(out)
    }
}
fn strip_after(el: &Element) -> bool {
    use hcl_edit::template::Strip;
    match el {
        Element::Interpolation(i) => matches!(i.strip, Strip::End | Strip::Both),
        Element::Directive(d) => match &**d {
            Directive::If(i) => matches!(i.endif_expr.strip, Strip::End | Strip::Both),
            Directive::For(f) => matches!(f.endfor_expr.strip, Strip::End | Strip::Both),
        },
        Element::Literal(_) => false,
    }
}

fn strip_before(el: &Element) -> bool {
    use hcl_edit::template::Strip;
    match el {
        Element::Interpolation(i) => matches!(i.strip, Strip::Start | Strip::Both),
        Element::Directive(d) => match &**d {
            Directive::If(i) => matches!(i.if_expr.strip, Strip::Start | Strip::Both),
            Directive::For(f) => matches!(f.for_expr.strip, Strip::Start | Strip::Both),
        },
        Element::Literal(_) => false,
    }
}
