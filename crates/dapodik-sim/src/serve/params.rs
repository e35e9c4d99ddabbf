//! `application/x-www-form-urlencoded` parsing for the query string and form
//! bodies (PHP `$_REQUEST`: body values override query values).

/// Decodes `+` and `%XX`; malformed escapes are kept literally.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// All `key=value` pairs in order.
pub fn parse(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Request parameters: query string plus an optional form body.
#[derive(Debug, Default, Clone)]
pub struct Params {
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
}

impl Params {
    pub fn new(query: Option<&str>, form: Option<&str>) -> Self {
        Self {
            query: query.map(parse).unwrap_or_default(),
            form: form.map(parse).unwrap_or_default(),
        }
    }

    /// PHP semantics: the last occurrence wins, body over query.
    pub fn get(&self, key: &str) -> Option<&str> {
        fn last<'a>(v: &'a [(String, String)], key: &str) -> Option<&'a str> {
            v.iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        }
        last(&self.form, key).or_else(|| last(&self.query, key))
    }

    /// Like PHP `if ($x)`: absent, "" and "0" are falsy.
    pub fn truthy(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty() && *v != "0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prefers_body() {
        let p = Params::new(
            Some("npsn=1&npsn=20599901&semester_id=20251&x=%2F%zz+a"),
            Some("ptk_id=abc"),
        );
        assert_eq!(p.get("npsn"), Some("20599901"));
        assert_eq!(p.get("x"), Some("/%zz a"));
        assert_eq!(p.get("ptk_id"), Some("abc"));
        let q = Params::new(Some("npsn=1"), Some("npsn=2"));
        assert_eq!(q.get("npsn"), Some("2"));
        let z = Params::new(Some("npsn=0"), None);
        assert_eq!(z.truthy("npsn"), None);
        assert_eq!(Params::new(Some("a=%4"), None).get("a"), Some("%4"));
    }
}
