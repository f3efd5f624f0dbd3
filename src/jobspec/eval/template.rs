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
        let elems: Vec<&Element> = t.iter().collect();
        for (i, el) in elems.iter().enumerate() {
            match el {
                Element::Literal(l) => {
                    let mut s: &str = l.as_str();
                    if (i > 0 && strip_after(elems[i - 1])) || (i == 0 && lead) {
                        s = s.trim_start();
                    }
                    if elems.get(i + 1).is_some_and(|n| strip_before(n)) || (i + 1 == elems.len() && trail) {
                        s = s.trim_end();
                    }
                    out.push_str(s);
                }
                Element::Interpolation(ip) => match self.ev(&ip.expr) {
                    Ok(v) => out.push_str(&to_template_string(&v).ok_or_else(|| {
                        Fail::Err(EvalError::new(
                            span_of(&ip.expr),
                            format!("Invalid template interpolation value: cannot include a {} in a string", type_name(&v)),
                            "use jsonencode() or join() to turn a collection into a string",
                        ))
                    })?),
                    Err(Fail::Runtime) => {
                        out.push_str("${");
                        out.push_str(&self.src(&ip.expr));
                        out.push('}');
                    }
                    Err(e) => return Err(e),
                },
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        let c = self.ev(&ifd.if_expr.cond_expr)?;
                        use hcl_edit::template::Strip;
                        let end = |s: &Strip| matches!(s, Strip::End | Strip::Both);
                        let start = |s: &Strip| matches!(s, Strip::Start | Strip::Both);
                        let endif_start = start(&ifd.endif_expr.strip);
                        if matches!(c, Value::Bool(true)) {
                            let trail = ifd.else_expr.as_ref().map(|e| start(&e.strip)).unwrap_or(endif_start);
                            out.push_str(&self.template_stripped(&ifd.if_expr.template, end(&ifd.if_expr.strip), trail)?);
                        } else if let Some(e) = &ifd.else_expr {
                            out.push_str(&self.template_stripped(&e.template, end(&e.strip), endif_start)?);
                        }
                    }
                    Directive::For(fd) => {
                        let fe = &fd.for_expr;
                        let coll = self.ev(&fe.collection_expr)?;
                        let items = iter_pairs(&coll).unwrap_or_default();
                        for (k, v) in items {
                            let base = self.bindings.len();
                            if let Some(kn) = &fe.key_var {
                                self.bindings.push((kn.as_str().to_string(), k));
                            }
                            self.bindings.push((fe.value_var.as_str().to_string(), v));
                            use hcl_edit::template::Strip;
                            let lead = matches!(fe.strip, Strip::End | Strip::Both);
                            let trail = matches!(fd.endfor_expr.strip, Strip::Start | Strip::Both);
                            let r = self.template_stripped(&fe.template, lead, trail);
                            self.bindings.truncate(base);
                            out.push_str(&r?);
                        }
                    }
                },
            }
        }
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

fn to_template_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        other => to_string(other),
    }
}
