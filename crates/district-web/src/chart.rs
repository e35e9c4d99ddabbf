//! Server-rendered SVG charts (no JavaScript, printable, readable without CSS).

use std::fmt::Write;

/// One horizontal bar: `value` of `total` (e.g. schools sent of the reference total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartBar {
    pub label: String,
    pub value: u64,
    pub total: u64,
    /// Optional link target for the bar (already a path, e.g. `/data_pokok/kecamatan/051101`).
    pub href: Option<String>,
}

/// Escapes text for XML/HTML (text nodes and quoted attribute values).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// `27,3%` (Indonesian decimal comma, one decimal; 0% when the total is 0).
pub fn percent_label(value: u64, total: u64) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    let tenths = (value as u128 * 1000 + total as u128 / 2) / total as u128;
    let (whole, frac) = (tenths / 10, tenths % 10);
    if frac == 0 {
        format!("{whole}%")
    } else {
        format!("{whole},{frac}%")
    }
}

fn truncate_label(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.len() <= max {
        chars.into_iter().collect()
    } else {
        let mut t: String = chars[..max - 1].iter().collect();
        t.push('…');
        t
    }
}

const WIDTH: u32 = 760;
const LABEL_W: u32 = 190;
const BAR_X: u32 = 200;
const BAR_W: u32 = 400;
const ROW_H: u32 = 26;
const BAR_H: u32 = 16;
const TOP: u32 = 8;

/// A horizontal progress bar chart: one row per bar with its label, the filled part
/// `value/total`, and "value/total (pct)". Every label is escaped; the result is a complete
/// `<svg>` element to embed inline (or serve as `image/svg+xml`). Colours are presentation
/// attributes, so it works under a strict Content-Security-Policy.
pub fn progress_bars_svg(title: &str, bars: &[ChartBar]) -> String {
    let height = TOP * 2 + ROW_H * (bars.len().max(1) as u32);
    let mut s = String::with_capacity(300 + bars.len() * 600);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="13"><title>{t}</title>"#,
        t = xml_escape(title)
    );
    if bars.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{x}" y="{y}" fill="#555">Belum ada data.</text>"##,
            x = BAR_X,
            y = TOP + ROW_H / 2 + 4
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as u32;
        let filled = if bar.total == 0 {
            0
        } else {
            ((bar.value.min(bar.total) as u128 * BAR_W as u128) / bar.total as u128) as u32
        };
        let label = xml_escape(&truncate_label(&bar.label, 24));
        let full = xml_escape(bar.label.trim());
        let pct = percent_label(bar.value, bar.total);
        if let Some(href) = &bar.href {
            let _ = write!(s, r#"<a href="{}">"#, xml_escape(href));
        }
        let _ = write!(
            s,
            r##"<g class="bar"><title>{full}: {v} dari {t} sekolah ({pct})</title><text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{label}</text><rect x="{bx}" y="{by}" width="{bw}" height="{bh}" rx="3" fill="#e3e7ee"/><rect x="{bx}" y="{by}" width="{filled}" height="{bh}" rx="3" fill="#1f7a4d"/><text x="{vx}" y="{ty}" fill="#222">{v}/{t} ({pct})</text></g>"##,
            v = bar.value,
            t = bar.total,
            lx = LABEL_W,
            ty = y + ROW_H / 2 + 4,
            bx = BAR_X,
            by = y + (ROW_H - BAR_H) / 2,
            bw = BAR_W,
            bh = BAR_H,
            vx = BAR_X + BAR_W + 8,
        );
        if bar.href.is_some() {
            s.push_str("</a>");
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scaled() {
        let bars = vec![
            ChartBar {
                label: "<script>alert(1)</script>".into(),
                value: 1,
                total: 4,
                href: Some("/a?b=1&c=2".into()),
            },
            ChartBar {
                label: "Kec. Nol".into(),
                value: 0,
                total: 0,
                href: None,
            },
        ];
        let svg = progress_bars_svg("Progres \"kirim\"", &bars);
        assert!(!svg.contains("<script>"));
        assert!(
            svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                || svg.contains("&lt;script&gt;alert(1)&lt;/scri…")
        );
        assert!(svg.contains(r#"href="/a?b=1&amp;c=2""#));
        assert!(
            svg.contains(r##"width="100" height="16" rx="3" fill="#1f7a4d""##),
            "{svg}"
        );
        assert!(svg.contains("1/4 (25%)"));
        assert!(svg.contains("0/0 (0%)"));
        assert!(svg.contains("Progres &quot;kirim&quot;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn percent_uses_decimal_comma() {
        assert_eq!(percent_label(1, 3), "33,3%");
        assert_eq!(percent_label(2, 3), "66,7%");
        assert_eq!(percent_label(5, 5), "100%");
        assert_eq!(percent_label(0, 0), "0%");
    }

    #[test]
    fn empty_chart_says_so() {
        assert!(progress_bars_svg("x", &[]).contains("Belum ada data."));
    }
}
