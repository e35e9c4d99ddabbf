// Over 400 lines because it holds one short render function per page and the template table.
//! The template environment and one render function per page.

use minijinja::value::Value;
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, context,
};
use serde::Serialize;

use crate::auth::{Permission, Role};
use crate::chart::{ChartBar, progress_bars_svg};
use crate::common::{ErrorView, Flash, percent_encode};
use crate::config::SiteConfig;
use crate::enrollment::{KodeRegistrasiPrintView, KodeRegistrasiView};
use crate::helper_version::HelperVersionView;
use crate::helper_version::UnduhanView;
use crate::lists::DataListView;
use crate::programs::{ProgramRecapView, ProgramUploadView};
use crate::progress::{
    BelumKirimView, BerandaView, DaftarSatuanPendidikanView, DataPokokView, ProgresDataView,
    SekolahView,
};
use crate::reference::ReferensiImportView;
use crate::staff::{AccountsView, AuditLogView};
use crate::staff::{KecamatanDashboardView, LoginView, StafBerandaView};
use crate::{assets, filters};

/// The logged-in staff member, as the server's session lookup gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffIdentity {
    pub username: String,
    /// Display name.
    pub nama: String,
    pub role: Role,
}

/// Who is looking at the page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
    Staff(StaffIdentity),
}

/// Per-request data every page needs besides its view model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageContext {
    pub viewer: Viewer,
    /// CSRF token of this session (or pre-session), put into every POST form
    /// (see [`crate::auth::CsrfKey`]). May be empty on pages without forms for anonymous
    /// viewers.
    pub csrf_token: String,
    pub flash: Vec<Flash>,
}

impl PageContext {
    /// An anonymous visitor (`csrf_token`: the pre-session token's CSRF token on the login
    /// page, empty elsewhere).
    pub fn anonymous(csrf_token: impl Into<String>) -> Self {
        PageContext {
            viewer: Viewer::Anonymous,
            csrf_token: csrf_token.into(),
            flash: Vec::new(),
        }
    }

    /// A logged-in staff member.
    pub fn staff(identity: StaffIdentity, csrf_token: impl Into<String>) -> Self {
        PageContext {
            viewer: Viewer::Staff(identity),
            csrf_token: csrf_token.into(),
            flash: Vec::new(),
        }
    }

    pub fn with_flash(mut self, flash: Flash) -> Self {
        self.flash.push(flash);
        self
    }

    pub fn identity(&self) -> Option<&StaffIdentity> {
        match &self.viewer {
            Viewer::Staff(s) => Some(s),
            Viewer::Anonymous => None,
        }
    }

    pub fn role(&self) -> Option<&Role> {
        self.identity().map(|s| &s.role)
    }
}

/// Why a page was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A staff page for an anonymous viewer: redirect to the login page.
    #[error("login diperlukan")]
    Unauthenticated,
    /// The viewer's role may not see this page (or this kecamatan): answer 403.
    #[error("akses ditolak")]
    Forbidden,
    /// A template failed (a bug): answer 500.
    #[error("gagal menyusun halaman: {0}")]
    Template(#[from] Error),
}

impl RenderError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            RenderError::Unauthenticated => 401,
            RenderError::Forbidden => 403,
            RenderError::Template(_) => 500,
        }
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/layout/base.html")),
    (
        "staf_base.html",
        include_str!("../templates/layout/staf_base.html"),
    ),
    ("_csrf.html", include_str!("../templates/layout/_csrf.html")),
    (
        "_pager.html",
        include_str!("../templates/layout/_pager.html"),
    ),
    (
        "beranda.html",
        include_str!("../templates/progress/beranda.html"),
    ),
    (
        "progres_data.html",
        include_str!("../templates/progress/progres_data.html"),
    ),
    (
        "belum_kirim.html",
        include_str!("../templates/progress/belum_kirim.html"),
    ),
    (
        "data_pokok.html",
        include_str!("../templates/progress/data_pokok.html"),
    ),
    (
        "daftar_satuan.html",
        include_str!("../templates/progress/daftar_satuan.html"),
    ),
    (
        "sekolah.html",
        include_str!("../templates/progress/sekolah.html"),
    ),
    (
        "unduhan.html",
        include_str!("../templates/helper_version/unduhan.html"),
    ),
    ("login.html", include_str!("../templates/staff/login.html")),
    (
        "staf_beranda.html",
        include_str!("../templates/staff/staf_beranda.html"),
    ),
    (
        "staf_kecamatan.html",
        include_str!("../templates/lists/staf_kecamatan.html"),
    ),
    (
        "staf_daftar.html",
        include_str!("../templates/lists/staf_daftar.html"),
    ),
    (
        "staf_program_rekap.html",
        include_str!("../templates/programs/staf_program_rekap.html"),
    ),
    (
        "staf_program_unggah.html",
        include_str!("../templates/programs/staf_program_unggah.html"),
    ),
    (
        "admin_akun.html",
        include_str!("../templates/staff/admin_akun.html"),
    ),
    (
        "admin_kode_registrasi.html",
        include_str!("../templates/enrollment/admin_kode_registrasi.html"),
    ),
    (
        "admin_kode_registrasi_cetak.html",
        include_str!("../templates/enrollment/admin_kode_registrasi_cetak.html"),
    ),
    (
        "admin_referensi.html",
        include_str!("../templates/reference/admin_referensi.html"),
    ),
    (
        "admin_versi_helper.html",
        include_str!("../templates/helper_version/admin_versi_helper.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../templates/staff/admin_audit.html"),
    ),
    ("error.html", include_str!("../templates/layout/error.html")),
];

/// Names of all embedded templates.
#[cfg(test)]
fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(n, _)| *n)
}

#[derive(Serialize)]
struct NavItem {
    id: &'static str,
    href: &'static str,
    label: &'static str,
}

const NAV: &[NavItem] = &[
    NavItem {
        id: "beranda",
        href: "/",
        label: "Beranda",
    },
    NavItem {
        id: "progres",
        href: "/progres_data",
        label: "Progres Kirim Data",
    },
    NavItem {
        id: "belum",
        href: "/belum_kirim",
        label: "Belum Kirim",
    },
    NavItem {
        id: "data_pokok",
        href: "/data_pokok",
        label: "Data Pokok",
    },
    NavItem {
        id: "unduhan",
        href: "/unduhan",
        label: "Unduhan",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Publik,
    Staf,
}

#[derive(Serialize)]
struct ChromeUser<'a> {
    username: &'a str,
    nama: &'a str,
    peran: &'a Role,
}

/// Layout data: navigation state, session, flash messages.
#[derive(Serialize)]
struct Chrome<'a> {
    aktif: &'static str,
    area: &'static str,
    masuk: bool,
    /// Only on staff pages: public pages render the same for every viewer except the
    /// Login/Keluar switch.
    pengguna: Option<ChromeUser<'a>>,
    admin: bool,
    bisa_unggah: bool,
    csrf_token: &'a str,
    flash: &'a [Flash],
}

/// The district pages: templates compiled once, rendered per request. `Send + Sync`: hold it
/// in the server's state (e.g. `Arc<Pages>`).
pub struct Pages {
    env: Environment<'static>,
    site: SiteConfig,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

/// Output of `{{ … }}`: `none` renders as nothing (instead of "none"); in HTML templates
/// every value that is not marked safe is escaped (`& < > " '`, enough for text and quoted
/// attributes, which is all the templates use; unlike minijinja's default, `/` is kept so
/// URLs stay readable); other contexts use minijinja's default.
fn formatter(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), Error> {
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() {
        let text = match value.as_str() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(value.to_string()),
        };
        return out.write_str(&escape_html(&text)).map_err(Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

/// Escapes `& < > " '` for HTML text and quoted attribute values.
pub(crate) fn escape_html(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Pages {
    /// Compiles the embedded templates. Panics only if an embedded template does not parse,
    /// which the crate's tests rule out.
    pub fn new(site: SiteConfig) -> Pages {
        let site = site.normalized();
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(formatter);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("embedded template {name}: {e:#}"));
        }
        env.add_global("site", Value::from_serialize(&site));
        env.add_global("base", site.base_path.clone());
        env.add_global("nav", Value::from_serialize(NAV));
        let base = site.base_path.clone();
        env.add_function("static_url", move |name: &str| -> Result<String, Error> {
            assets::asset_url(&base, name).ok_or_else(|| {
                Error::new(ErrorKind::InvalidOperation, format!("unknown asset {name}"))
            })
        });
        env.add_filter("angka", filters::angka);
        env.add_filter("persen", filters::persen);
        // Percent-encodes a path segment or query value (RFC 3986 unreserved kept).
        env.add_filter("urlencode", |v: &str| percent_encode(v));
        Pages { env, site }
    }

    pub fn site(&self) -> &SiteConfig {
        &self.site
    }

    /// `base_path` + `path` (e.g. for `Location` headers).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.site.base_path, path)
    }

    /// The login URL that returns to `next` afterwards.
    pub fn login_url(&self, next: Option<&str>) -> String {
        match next {
            Some(n) => format!(
                "{}/login?berikutnya={}",
                self.site.base_path,
                percent_encode(n)
            ),
            None => format!("{}/login", self.site.base_path),
        }
    }

    fn render<V: Serialize>(
        &self,
        template: &str,
        ctx: &PageContext,
        aktif: &'static str,
        area: Area,
        view: &V,
        extra: Value,
    ) -> Result<String, RenderError> {
        let identity = ctx.identity();
        let role = identity.map(|i| &i.role);
        let chrome = Chrome {
            aktif,
            area: match area {
                Area::Publik => "publik",
                Area::Staf => "staf",
            },
            masuk: identity.is_some(),
            pengguna: match area {
                Area::Staf => identity.map(|i| ChromeUser {
                    username: &i.username,
                    nama: &i.nama,
                    peran: &i.role,
                }),
                Area::Publik => None,
            },
            admin: role.is_some_and(Role::is_admin),
            bisa_unggah: role.is_some_and(|r| r.allows(Permission::UnggahDaftarProgram)),
            csrf_token: &ctx.csrf_token,
            flash: &ctx.flash,
        };
        let tmpl = self.env.get_template(template)?;
        Ok(tmpl.render(context! { chrome => chrome, view => view, extra => extra })?)
    }

    fn public<V: crate::public_view::PublicView>(
        &self,
        template: &str,
        ctx: &PageContext,
        aktif: &'static str,
        view: &V,
        extra: Value,
    ) -> Result<String, RenderError> {
        self.render(template, ctx, aktif, Area::Publik, view, extra)
    }

    fn staff<V: Serialize>(
        &self,
        template: &str,
        ctx: &PageContext,
        aktif: &'static str,
        permission: Option<Permission<'_>>,
        view: &V,
    ) -> Result<String, RenderError> {
        let role = ctx.role().ok_or(RenderError::Unauthenticated)?;
        if let Some(p) = permission
            && !role.allows(p)
        {
            return Err(RenderError::Forbidden);
        }
        self.render(template, ctx, aktif, Area::Staf, view, Value::UNDEFINED)
    }

    // ---- public pages -------------------------------------------------------------------

    /// `/`: totals, SVG chart per kecamatan, latest sends.
    pub fn beranda(&self, ctx: &PageContext, view: &BerandaView) -> Result<String, RenderError> {
        let bars: Vec<ChartBar> = view
            .kecamatan
            .iter()
            .map(|k| ChartBar {
                label: k.kecamatan.clone(),
                value: k.sudah_kirim,
                total: k.total_referensi,
                href: Some(format!(
                    "{}/data_pokok/kecamatan/{}",
                    self.site.base_path,
                    percent_encode(&k.kode_kecamatan)
                )),
            })
            .collect();
        let svg = progress_bars_svg("Sekolah yang sudah mengirim data per kecamatan", &bars);
        self.public(
            "beranda.html",
            ctx,
            "beranda",
            view,
            context! { chart => Value::from_safe_string(svg) },
        )
    }

    /// `/progres_data`.
    pub fn progres_data(
        &self,
        ctx: &PageContext,
        view: &ProgresDataView,
    ) -> Result<String, RenderError> {
        self.public("progres_data.html", ctx, "progres", view, Value::UNDEFINED)
    }

    /// `/belum_kirim`.
    pub fn belum_kirim(
        &self,
        ctx: &PageContext,
        view: &BelumKirimView,
    ) -> Result<String, RenderError> {
        self.public("belum_kirim.html", ctx, "belum", view, Value::UNDEFINED)
    }

    /// `/data_pokok`.
    pub fn data_pokok(
        &self,
        ctx: &PageContext,
        view: &DataPokokView,
    ) -> Result<String, RenderError> {
        self.public("data_pokok.html", ctx, "data_pokok", view, Value::UNDEFINED)
    }

    /// `/data_pokok/kecamatan/{kode}`.
    pub fn daftar_satuan_pendidikan(
        &self,
        ctx: &PageContext,
        view: &DaftarSatuanPendidikanView,
    ) -> Result<String, RenderError> {
        self.public(
            "daftar_satuan.html",
            ctx,
            "data_pokok",
            view,
            Value::UNDEFINED,
        )
    }

    /// `/sekolah/{npsn}`.
    pub fn sekolah(&self, ctx: &PageContext, view: &SekolahView) -> Result<String, RenderError> {
        self.public("sekolah.html", ctx, "data_pokok", view, Value::UNDEFINED)
    }

    /// `/unduhan`.
    pub fn unduhan(&self, ctx: &PageContext, view: &UnduhanView) -> Result<String, RenderError> {
        self.public("unduhan.html", ctx, "unduhan", view, Value::UNDEFINED)
    }

    /// An error page; never fails (falls back to minimal escaped HTML). Answer with
    /// `view.status`.
    pub fn error(&self, ctx: &PageContext, view: &ErrorView) -> String {
        self.public("error.html", ctx, "", view, Value::UNDEFINED).unwrap_or_else(|_| {
            let e = crate::chart::xml_escape;
            format!(
                "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>{t}</title><h1>{t}</h1><p>{p}</p><p><a href=\"{b}/\">Kembali ke Beranda</a></p></html>",
                t = e(&view.judul),
                p = e(&view.pesan),
                b = e(&self.site.base_path)
            )
        })
    }

    // ---- login and staff area -----------------------------------------------------------

    /// `/login` (form posts `username`, `password`, `csrf_token`, optional `berikutnya`).
    pub fn login(&self, ctx: &PageContext, view: &LoginView) -> Result<String, RenderError> {
        self.render(
            "login.html",
            ctx,
            "login",
            Area::Publik,
            view,
            Value::UNDEFINED,
        )
    }

    /// `/staf`.
    pub fn staf_beranda(
        &self,
        ctx: &PageContext,
        view: &StafBerandaView,
    ) -> Result<String, RenderError> {
        self.staff("staf_beranda.html", ctx, "staf", None, view)
    }

    /// `/staf/kecamatan/{kode}`; refused unless the role may open that kecamatan.
    pub fn staf_kecamatan(
        &self,
        ctx: &PageContext,
        view: &KecamatanDashboardView,
    ) -> Result<String, RenderError> {
        self.staff(
            "staf_kecamatan.html",
            ctx,
            "staf",
            Some(Permission::LihatKecamatan(&view.kode_kecamatan)),
            view,
        )
    }

    /// `/staf/kecamatan/{kode}/daftar/{daftar}`; refused unless the role may open that
    /// kecamatan.
    pub fn staf_daftar(
        &self,
        ctx: &PageContext,
        view: &DataListView,
    ) -> Result<String, RenderError> {
        self.staff(
            "staf_daftar.html",
            ctx,
            "staf",
            Some(Permission::LihatKecamatan(&view.kode_kecamatan)),
            view,
        )
    }

    /// `/staf/kecamatan/{kode}/program/{program}`.
    pub fn staf_program_rekap(
        &self,
        ctx: &PageContext,
        view: &ProgramRecapView,
    ) -> Result<String, RenderError> {
        self.staff(
            "staf_program_rekap.html",
            ctx,
            "staf",
            Some(Permission::LihatKecamatan(&view.kode_kecamatan)),
            view,
        )
    }

    /// `/staf/program`: upload form and result (admin, staf dinas).
    pub fn staf_program_unggah(
        &self,
        ctx: &PageContext,
        view: &ProgramUploadView,
    ) -> Result<String, RenderError> {
        self.staff(
            "staf_program_unggah.html",
            ctx,
            "program",
            Some(Permission::UnggahDaftarProgram),
            view,
        )
    }

    // ---- administration -----------------------------------------------------------------

    /// `/admin/akun`.
    pub fn admin_akun(
        &self,
        ctx: &PageContext,
        view: &AccountsView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_akun.html",
            ctx,
            "akun",
            Some(Permission::KelolaAkun),
            view,
        )
    }

    /// `/admin/kode-registrasi`.
    pub fn admin_kode_registrasi(
        &self,
        ctx: &PageContext,
        view: &KodeRegistrasiView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_kode_registrasi.html",
            ctx,
            "kode",
            Some(Permission::KelolaKodeRegistrasi),
            view,
        )
    }

    /// Print view of freshly issued codes (answer to the generate/rotate POST).
    pub fn admin_kode_registrasi_cetak(
        &self,
        ctx: &PageContext,
        view: &KodeRegistrasiPrintView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_kode_registrasi_cetak.html",
            ctx,
            "kode",
            Some(Permission::KelolaKodeRegistrasi),
            view,
        )
    }

    /// `/admin/referensi`.
    pub fn admin_referensi(
        &self,
        ctx: &PageContext,
        view: &ReferensiImportView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_referensi.html",
            ctx,
            "referensi",
            Some(Permission::ImporReferensi),
            view,
        )
    }

    /// `/admin/versi-helper`.
    pub fn admin_versi_helper(
        &self,
        ctx: &PageContext,
        view: &HelperVersionView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_versi_helper.html",
            ctx,
            "versi",
            Some(Permission::AturVersiHelper),
            view,
        )
    }

    /// `/admin/audit`.
    pub fn admin_audit(
        &self,
        ctx: &PageContext,
        view: &AuditLogView,
    ) -> Result<String, RenderError> {
        self.staff(
            "admin_audit.html",
            ctx,
            "audit",
            Some(Permission::LihatLogAudit),
            view,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_registered_and_parses() {
        let pages = Pages::new(SiteConfig::new(
            "Dinas Pendidikan Kabupaten Mekarsari",
            "Kab. Mekarsari",
        ));
        for name in template_names() {
            assert!(pages.env.get_template(name).is_ok(), "{name}");
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        // Templates live in one folder per capability (`templates/<capability>/`).
        let on_disk: usize = std::fs::read_dir(dir)
            .unwrap()
            .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
            .sum();
        assert_eq!(on_disk, TEMPLATES.len(), "every template file is embedded");
    }
}
