//! Emulates how the PHP server fills its row arrays. With `reuse` the same
//! `$arr` lives across loop iterations (Dapodik 2022.a): keys not assigned in
//! an iteration keep the previous row's value, and keys first assigned late
//! are appended at the end — exactly PHP's associative-array semantics.

use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct PhpRow {
    map: Map<String, Value>,
    reuse: bool,
}

impl PhpRow {
    pub fn new(reuse: bool) -> Self {
        Self {
            map: Map::new(),
            reuse,
        }
    }

    /// Start of a loop iteration (a fresh array unless the build leaks).
    pub fn begin(&mut self) {
        if !self.reuse {
            self.map = Map::new();
        }
    }

    /// `$arr['k'] = v;` — keeps the key's position if it already exists.
    pub fn set(&mut self, key: &str, value: Value) {
        self.map.insert(key.to_string(), value);
    }

    /// `$outArr[] = $arr;`
    pub fn emit(&self) -> Value {
        Value::Object(self.map.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leak_keeps_values_and_positions() {
        let mut row = PhpRow::new(true);
        row.begin();
        row.set("a", json!(1));
        let first = row.emit();
        row.begin();
        row.set("b", json!(2));
        row.set("a", json!(3));
        assert_eq!(first, json!({"a": 1}));
        assert_eq!(crate::php_json::encode(&row.emit()), r#"{"a":3,"b":2}"#);

        let mut fresh = PhpRow::new(false);
        fresh.begin();
        fresh.set("a", json!(1));
        fresh.begin();
        fresh.set("b", json!(2));
        assert_eq!(fresh.emit(), json!({"b": 2}));
    }
}
