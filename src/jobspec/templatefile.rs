//! `templatefile(path, vars)`: render a file as an HCL template whose only
//! variables are the ones passed in (as in Terraform and Nomad).

use std::collections::BTreeMap;

use super::eval::Scope;
use super::functions::FnEnv;
use super::model::Value;

pub fn render(env: &FnEnv<'_>, text: &str, vars: BTreeMap<String, Value>) -> Result<Value, String> {
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
