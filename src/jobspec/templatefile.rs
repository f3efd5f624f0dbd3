//! `templatefile(path, vars)`: render a file as an HCL template whose only
//! variables are the ones passed in (as in Terraform and Nomad).

use std::collections::BTreeMap;

use super::eval::Scope;
use super::functions::FnEnv;
use super::model::Value;

thread_local! {
    /// Set while a template renders: Nomad (go-cty's templatefile) refuses
    /// a templatefile call inside one, which also ends self-inclusion.
    static RENDERING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears [`RENDERING`] however the render ends.
struct Rendering;

impl Drop for Rendering {
    fn drop(&mut self) {
        RENDERING.with(|r| r.set(false));
    }
}

pub fn render(env: &FnEnv<'_>, text: &str, vars: BTreeMap<String, Value>) -> Result<Value, String> {
    if RENDERING.with(|r| r.replace(true)) {
        return Err("cannot recursively call templatefile from inside templatefile call".into());
    }
    let _guard = Rendering;
    // The parser recurses and backtracks on nesting: the same pre-scan as
    // every other HCL text, with literal text skipped.
    if let Some(at) = crate::nesting::too_deep_template(text, crate::nesting::MAX_DEPTH) {
        return Err(format!(
            "the template nests too deeply (more than {} levels, or more than {} parentheses and brackets) at byte {at}",
            crate::nesting::MAX_DEPTH,
            crate::nesting::MAX_PARENS
        ));
    }
    let tpl = hcl_edit::parser::parse_template(text).map_err(|e| {
        format!(
            "the template does not parse: {} at line {}",
            e.message(),
            e.location().line()
        )
    })?;
    let mut scope = Scope {
        text,
        vars: BTreeMap::new(),
        locals: BTreeMap::new(),
        bindings: vars.into_iter().collect(),
        fns: *env,
        unset: Default::default(),
    };
    let expr =
        hcl_edit::expr::Expression::StringTemplate(hcl_edit::template::StringTemplate::from(tpl));
    scope.eval(&expr).map_err(|e| e.message)
}
