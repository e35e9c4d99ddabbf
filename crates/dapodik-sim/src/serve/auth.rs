//! Authorisation exactly as the 2022.a server does it (docs/dapodik-webservice.md §2.1).

use std::net::IpAddr;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn trim(mut v: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = v
        && is_ws(*first)
    {
        v = rest;
    }
    while let [rest @ .., last] = v
        && is_ws(*last)
    {
        v = rest;
    }
    v
}

/// `preg_match('/Bearer\s(\S+)/', trim($header))`: the word `Bearer` (exact
/// case, anywhere), exactly one whitespace, then the non-space run. A token
/// PHP considers falsy ("0") counts as missing.
pub fn bearer_token(header: &[u8]) -> Option<String> {
    let v = trim(header);
    let mut from = 0;
    while let Some(pos) = v[from..].windows(6).position(|w| w == b"Bearer") {
        let after = from + pos + 6;
        if after < v.len() && is_ws(v[after]) {
            let start = after + 1;
            let end = v[start..]
                .iter()
                .position(|b| is_ws(*b))
                .map_or(v.len(), |p| start + p);
            if end > start {
                let token = &v[start..end];
                return (token != b"0").then(|| String::from_utf8_lossy(token).into_owned());
            }
        }
        from += pos + 1;
    }
    None
}

/// The server maps these to "localhost" on both sides before comparing.
fn normalise(ip: &str) -> &str {
    match ip {
        "localhost" | "127.0.0.1" | "::1" => "localhost",
        other => other,
    }
}

/// `REMOTE_ADDR` as PHP would print it (IPv4-mapped IPv6 shown as IPv4).
pub fn remote_addr(ip: IpAddr) -> String {
    ip.to_canonical().to_string()
}

/// Does the caller's address match the IP registered with the token?
pub fn ip_matches(caller: IpAddr, registered: &str) -> bool {
    normalise(&remote_addr(caller)) == normalise(registered.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_rules() {
        assert_eq!(bearer_token(b"Bearer abc123"), Some("abc123".into()));
        assert_eq!(bearer_token(b"  Bearer abc123  "), Some("abc123".into()));
        assert_eq!(bearer_token(b"Bearer abc def"), Some("abc".into()));
        assert_eq!(bearer_token(b"Token Bearer\tabc"), Some("abc".into()));
        assert_eq!(bearer_token(b"bearer abc"), None);
        assert_eq!(bearer_token(b"BEARER abc"), None);
        assert_eq!(bearer_token(b"Bearer  abc"), None);
        assert_eq!(bearer_token(b"Bearer"), None);
        assert_eq!(bearer_token(b"Bearer 0"), None);
        assert_eq!(bearer_token(b"abc"), None);
        assert_eq!(bearer_token(b""), None);
    }

    #[test]
    fn ip_rules() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        for ip in [v4, v6, mapped] {
            assert!(ip_matches(ip, "localhost"));
            assert!(ip_matches(ip, "127.0.0.1"));
            assert!(ip_matches(ip, "::1"));
            assert!(!ip_matches(ip, "192.168.1.20"));
        }
        assert!(ip_matches(lan, "192.168.1.20"));
        assert!(!ip_matches(lan, "localhost"));
    }
}
