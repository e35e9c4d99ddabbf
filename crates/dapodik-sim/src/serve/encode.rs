//! Building HTTP responses the way the Dapodik web server sends them: always
//! `text/html; charset=UTF-8`, optional raw status preamble inside the body,
//! and a streaming body that can break off mid-way.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;

pub const CONTENT_TYPE: &str = "text/html; charset=UTF-8";

/// Body of a 404 (wrong endpoint name or case), like a framework's page.
pub const NOT_FOUND_HTML: &str = "<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset=\"UTF-8\" />\n        <title>404 Not Found</title>\n    </head>\n    <body>\n        <h1>Not Found</h1>\n        <p>Sorry, the page you are looking for could not be found.</p>\n    </body>\n</html>";

/// Body of an injected server error.
pub fn server_error_html(status: u16) -> String {
    match status {
        200 | 500 => "<br />\n<b>Fatal error</b>:  Uncaught PropelException: Unable to open PDO connection [wrapped: SQLSTATE[08006] [7] could not connect to server: Connection refused\n\tIs the server running on host &quot;localhost&quot; and accepting\n\tTCP/IP connections?] in Propel.php:0\n".to_string(),
        s => {
            let reason = StatusCode::from_u16(s).ok().and_then(|c| c.canonical_reason()).unwrap_or("Error");
            format!("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{s} {reason}</title>\n</head><body>\n<h1>{reason}</h1>\n</body></html>\n")
        }
    }
}

/// RFC 7231 date, e.g. "Mon, 06 Oct 2025 02:15:00 GMT".
pub fn http_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WD[(days.rem_euclid(7)) as usize],
        MO[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A Symfony `Response` printed as a string: status line, aligned header
/// lines, blank line (then the JSON follows).
pub fn preamble(now: SystemTime) -> String {
    format!(
        "HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache, private\r\nContent-Type:  {CONTENT_TYPE}\r\nDate:          {}\r\n\r\n",
        http_date(now)
    )
}

fn with_headers(status: StatusCode, len: usize, body: Body) -> Response {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    res
}

/// A complete `text/html` response.
pub fn html(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let body: Bytes = body.into();
    with_headers(status, body.len(), Body::from(body))
}

/// Announces the full length, sends `after` bytes, then fails the body
/// stream so the server aborts the connection.
pub fn cut(status: StatusCode, body: Bytes, after: usize) -> Response {
    let len = body.len();
    let keep = after.min(len.saturating_sub(1));
    let head = body.slice(..keep);
    let first = futures::stream::iter([Ok::<Bytes, std::io::Error>(head)]);
    // Pause before failing so the server flushes headers and the partial
    // body: the client sees a response that breaks off, not a refused one.
    let abort = futures::stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "dapodik-sim: connection cut",
        ))
    });
    with_headers(status, len, Body::from_stream(first.chain(abort)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_759_716_900);
        assert_eq!(http_date(t), "Mon, 06 Oct 2025 02:15:00 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert!(preamble(t).starts_with("HTTP/1.0 403 Forbidden\r\n"));
        assert!(preamble(t).ends_with("GMT\r\n\r\n"));
    }
}
