//! Small pieces shared by several view models.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// Kind of a flash message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashKind {
    Sukses,
    Info,
    Peringatan,
    Galat,
}

/// A one-time message shown above the page content (e.g. after a redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn sukses(text: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Sukses,
            text: text.into(),
        }
    }
    pub fn info(text: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Info,
            text: text.into(),
        }
    }
    pub fn peringatan(text: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Peringatan,
            text: text.into(),
        }
    }
    pub fn galat(text: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Galat,
            text: text.into(),
        }
    }
}

/// A kecamatan in a select box or a link list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KecamatanOption {
    pub kode: String,
    pub nama: String,
}

/// Server-side paging (`?halaman=`), 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    pub halaman: u64,
    pub per_halaman: u64,
    pub total: u64,
    pub jumlah_halaman: u64,
    /// 1-based index of the first row shown (0 when empty).
    pub dari: u64,
    /// 1-based index of the last row shown.
    pub sampai: u64,
    pub sebelumnya: Option<u64>,
    pub berikutnya: Option<u64>,
    /// Other query parameters to keep in page links, encoded, ending with `&` when not empty.
    pub query: String,
}

impl Pager {
    /// Clamps `halaman` into `1..=jumlah_halaman`; `per_halaman` at least 1.
    pub fn new(halaman: u64, per_halaman: u64, total: u64) -> Self {
        let per = per_halaman.max(1);
        let pages = total.div_ceil(per).max(1);
        let h = halaman.clamp(1, pages);
        let dari = if total == 0 { 0 } else { (h - 1) * per + 1 };
        let sampai = (h * per).min(total);
        Pager {
            halaman: h,
            per_halaman: per,
            total,
            jumlah_halaman: pages,
            dari,
            sampai,
            sebelumnya: (h > 1).then(|| h - 1),
            berikutnya: (h < pages).then(|| h + 1),
            query: String::new(),
        }
    }

    /// Rows to skip (SQL `OFFSET`).
    pub fn offset(&self) -> u64 {
        (self.halaman - 1) * self.per_halaman
    }

    /// Keeps these query parameters in the page links (empty values are dropped).
    pub fn with_query(mut self, params: &[(&str, &str)]) -> Self {
        self.query = params
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{}={}&", percent_encode(k), percent_encode(v)))
            .collect();
        self
    }

    /// The slice of `items` on this page (for in-memory lists).
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = (self.offset() as usize).min(items.len());
        let end = (start + self.per_halaman as usize).min(items.len());
        &items[start..end]
    }
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parses a date from an `<input type="date">` (`YYYY-MM-DD`); blank or invalid → `None`.
pub fn parse_tanggal(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).ok()
}

/// `YYYY-MM-DD` of a date.
pub fn format_tanggal(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `YYYY-MM-DD HH:MM:SS` in WIB (UTC+7), as the pages show times.
pub fn format_wib(t: time::OffsetDateTime) -> String {
    let wib = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("valid offset"));
    format!(
        "{} {:02}:{:02}:{:02}",
        format_tanggal(wib.date()),
        wib.hour(),
        wib.minute(),
        wib.second()
    )
}

/// Compares strings with digit runs by value ("Kelas 2" < "Kelas 10"), case-insensitively.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut na = String::new();
                while let Some(c) = x.peek().copied().filter(char::is_ascii_digit) {
                    na.push(c);
                    x.next();
                }
                let mut nb = String::new();
                while let Some(d) = y.peek().copied().filter(char::is_ascii_digit) {
                    nb.push(d);
                    y.next();
                }
                let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// A website value as a link target, only for `http(s)://host…` (never `javascript:` etc.).
pub fn safe_http_url(s: &str) -> Option<String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let valid = host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !t
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    valid.then(|| t.to_owned())
}

/// An error page (404 / 403 / 500 …) in Indonesian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    /// HTTP status the server should answer with.
    pub status: u16,
    pub judul: String,
    pub pesan: String,
}

impl ErrorView {
    pub fn new(status: u16, judul: impl Into<String>, pesan: impl Into<String>) -> Self {
        ErrorView {
            status,
            judul: judul.into(),
            pesan: pesan.into(),
        }
    }

    /// 400.
    pub fn bad_request(pesan: impl Into<String>) -> Self {
        ErrorView::new(400, "Permintaan tidak valid", pesan)
    }

    /// 403.
    pub fn forbidden() -> Self {
        ErrorView::new(
            403,
            "Akses ditolak",
            "Anda tidak memiliki hak untuk membuka halaman ini. Jika menurut Anda ini keliru, hubungi administrator Dinas.",
        )
    }

    /// 404.
    pub fn not_found() -> Self {
        ErrorView::new(
            404,
            "Halaman tidak ditemukan",
            "Halaman atau data yang Anda cari tidak ada. Periksa kembali alamatnya, atau kembali ke Beranda.",
        )
    }

    /// 429.
    pub fn too_many_requests(pesan: impl Into<String>) -> Self {
        ErrorView::new(429, "Terlalu banyak permintaan", pesan)
    }

    /// 500.
    pub fn internal() -> Self {
        ErrorView::new(
            500,
            "Terjadi kesalahan pada server",
            "Maaf, permintaan Anda belum dapat diproses. Silakan coba lagi beberapa saat lagi.",
        )
    }

    /// 503.
    pub fn unavailable() -> Self {
        ErrorView::new(
            503,
            "Layanan sedang tidak tersedia",
            "Server sedang sibuk atau dalam pemeliharaan. Silakan coba lagi nanti.",
        )
    }
}

/// Trims and turns an empty string into `None` (for query parameters).
pub fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_clamps_and_slices() {
        let p = Pager::new(3, 10, 25);
        assert_eq!(
            (p.halaman, p.jumlah_halaman, p.dari, p.sampai),
            (3, 3, 21, 25)
        );
        assert_eq!((p.sebelumnya, p.berikutnya), (Some(2), None));
        assert_eq!(p.offset(), 20);
        let items: Vec<u32> = (0..25).collect();
        assert_eq!(p.slice(&items), &items[20..]);
        let p = Pager::new(99, 0, 0);
        assert_eq!(
            (p.halaman, p.jumlah_halaman, p.dari, p.sampai),
            (1, 1, 0, 0)
        );
        let p = Pager::new(0, 10, 5).with_query(&[("aksi", "login gagal"), ("x", " ")]);
        assert_eq!(p.halaman, 1);
        assert_eq!(p.query, "aksi=login%20gagal&");
    }

    #[test]
    fn helpers() {
        assert_eq!(percent_encode("a b/ç"), "a%20b%2F%C3%A7");
        assert_eq!(
            parse_tanggal("2025-11-30").map(format_tanggal).as_deref(),
            Some("2025-11-30")
        );
        assert_eq!(parse_tanggal("30/11/2025"), None);
        assert_eq!(natural_cmp("Kelas 2", "Kelas 10"), Ordering::Less);
        assert_eq!(natural_cmp("kelas 5A", "Kelas 5B"), Ordering::Less);
        assert_eq!(safe_http_url("http://"), None);
        assert_eq!(safe_http_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_http_url("https://sdn1.sch.id/x").as_deref(),
            Some("https://sdn1.sch.id/x")
        );
        assert_eq!(safe_http_url("http://a.b/\"onmouseover=x"), None);
        let t = time::macros::datetime!(2025-11-30 16:32:42 UTC);
        assert_eq!(format_wib(t), "2025-11-30 23:32:42");
        assert_eq!(non_empty(Some("  ")), None);
    }
}
