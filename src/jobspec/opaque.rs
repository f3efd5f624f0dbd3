//! A block Nomad keeps as a `map[string]interface{}` (a driver's config, a
//! scaling policy), as a map value.

use std::collections::BTreeMap;

use super::model::Value;
use super::tree::Node;

/// An opaque block (driver `config`, `connect`) as a map: attributes as
/// values, nested blocks as lists of maps, as Nomad's decoder keeps them.
///
/// A top-level attribute whose value is null is left out: jobspec2's
/// walker stores each top-level value with `m.SetMapIndex(k,
/// reflect.ValueOf(c))`, and the zero `reflect.Value` of a nil `c` deletes
/// the key (jobspec2/parse_map.go v2.0.5 `walker.Map`), so `command = null`
/// is no change of the config (R17-11). A null deeper down (in a list, a
/// map, a nested block, which jobspec2 turns into attributes) is a nil
/// interface the servers keep.
pub fn opaque(node: &Node) -> BTreeMap<String, Value> {
    let mut out = nested(node);
    out.retain(|_, v| !matches!(v, Value::Null));
    out
}

/// [`opaque`] below the top level, where nulls stay.
fn nested(node: &Node) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for a in &node.attrs {
        // It reaches the servers as JSON: numbers are float64s there.
        out.insert(a.name.clone(), a.value.clone().through_json());
    }
    for b in &node.blocks {
        let mut inner = nested(b);
        for (label, _) in b.labels.iter().rev() {
            let mut m = BTreeMap::new();
            m.insert(label.clone(), Value::Map(inner));
            inner = m;
        }
        match out
            .entry(b.ident.clone())
            .or_insert_with(|| Value::List(vec![]))
        {
            Value::List(l) => l.push(Value::Map(inner)),
            other => *other = Value::List(vec![Value::Map(inner)]),
        }
    }
    out
}
