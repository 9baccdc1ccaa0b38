//! The little JSON the trace needs: numbers, booleans, null, lists, objects,
//! and strings that are the trace's own names (no escaping needed, checked).

use std::fmt;

pub(crate) enum Json {
    Null,
    Bool(bool),
    UInt(u64),
    /// One of the trace's names: ASCII letters, digits and underscores.
    Str(&'static str),
    List(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    /// Add a field to an object (anything else is left as it is).
    pub(crate) fn push(&mut self, name: &'static str, value: Json) {
        if let Json::Obj(fields) = self {
            fields.push((name, value));
        }
    }
}

fn name(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    debug_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    write!(f, "\"{text}\"")
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(value) => write!(f, "{value}"),
            Json::UInt(value) => write!(f, "{value}"),
            Json::Str(text) => name(f, text),
            Json::List(items) => {
                f.write_str("[")?;
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Obj(fields) => {
                f.write_str("{")?;
                for (n, (key, value)) in fields.iter().enumerate() {
                    if n > 0 {
                        f.write_str(",")?;
                    }
                    name(f, key)?;
                    write!(f, ":{value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_trace_shapes() {
        let mut event = Json::Obj(vec![("e", Json::Str("place")), ("at", Json::UInt(3))]);
        event.push("from", Json::Null);
        event.push("reused", Json::Bool(false));
        let out = Json::List(vec![event, Json::List(Vec::new())]).to_string();
        assert_eq!(out, r#"[{"e":"place","at":3,"from":null,"reused":false},[]]"#);
    }
}
