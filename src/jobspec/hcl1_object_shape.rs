//! A driver `config` as hcl v1 decodes it before 1.0: every object a list
//! of one map.

use std::collections::BTreeMap;

use super::model::Value;

/// Nomad before 1.0 parsed job files with HCL1, whose decoder turns every
/// object value into a list of one map, whether written as a block
/// (`port_map { http = 80 }`) or as an attribute (`port_map = { http = 80 }`).
/// The diff flattens config in that shape (`port_map[0][http]`), so a 0.x
/// world must see the same shape.
pub fn apply(config: &mut BTreeMap<String, Value>) {
    fn fix(v: &mut Value) {
        match v {
            Value::Map(m) => {
                m.values_mut().for_each(fix);
                let inner = std::mem::take(m);
                *v = Value::List(vec![Value::Map(inner)]);
            }
            Value::List(items) => {
                for i in items.iter_mut() {
                    if let Value::Map(m) = i {
                        m.values_mut().for_each(fix);
                    } else {
                        fix(i);
                    }
                }
            }
            _ => {}
        }
    }
    config.values_mut().for_each(fix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_objects_become_lists_of_one_map() {
        let mut c = BTreeMap::new();
        let mut pm = BTreeMap::new();
        pm.insert("http".to_string(), Value::Number(80.0));
        c.insert("port_map".to_string(), Value::Map(pm.clone()));
        c.insert("image".to_string(), Value::String("x".into()));
        // A block is already a list of maps: it keeps its shape.
        c.insert(
            "labels".to_string(),
            Value::List(vec![Value::Map(pm.clone())]),
        );
        apply(&mut c);
        assert_eq!(c["port_map"], Value::List(vec![Value::Map(pm.clone())]));
        assert_eq!(c["labels"], Value::List(vec![Value::Map(pm)]));
        assert_eq!(c["image"], Value::String("x".into()));
    }
}
