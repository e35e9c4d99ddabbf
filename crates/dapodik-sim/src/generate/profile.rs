//! Per-install "flavour": which Dapodik build produced the rows, whether it
//! has the 2022.a reused-array leak, and whether its ORM/clients disagree on
//! JSON types.

use rand::Rng;
use serde_json::Value;

use super::rng::SimRng;

/// Dapodik build generation of one school install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The 2022.a source: no `anak_keberapa` (typo), `semester_id` before
    /// `email`, old PTK codes, no `tingkat_pendidikan_id_str`.
    V2022,
    /// Typo fixed, `tingkat_pendidikan_id_str` added, still old PTK codes.
    V2023,
    /// 2024+ PTK scheme with `jabatan_ptk_*`, `kebutuhan_khusus`.
    V2024,
    /// Like 2024 plus fields the client does not know yet (tolerance test).
    V2026,
}

impl Profile {
    pub fn label(self) -> &'static str {
        match self {
            Profile::V2022 => "2022",
            Profile::V2023 => "2023",
            Profile::V2024 => "2024",
            Profile::V2026 => "2026",
        }
    }

    pub fn has_anak_keberapa(self) -> bool {
        self != Profile::V2022
    }

    pub fn has_tingkat_str(self) -> bool {
        self != Profile::V2022
    }

    pub fn has_kebutuhan_khusus(self) -> bool {
        matches!(self, Profile::V2024 | Profile::V2026)
    }

    /// 2024+ `jenis_ptk_id` 91/92/93/99 with `jabatan_ptk_id`/`_str`.
    pub fn new_ptk_scheme(self) -> bool {
        matches!(self, Profile::V2024 | Profile::V2026)
    }

    /// 2022.a prints `semester_id` before `email` in getPesertaDidik.
    pub fn semester_before_email(self) -> bool {
        self == Profile::V2022
    }

    /// Extra getPesertaDidik fields of a build newer than the spec.
    pub fn has_unknown_fields(self) -> bool {
        self == Profile::V2026
    }
}

/// JSON type disagreement of a build (docs/dapodik-webservice.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    None,
    /// NUMERIC codes normally sent as strings arrive as numbers.
    StringsAsNumbers,
    /// Integer codes normally sent as numbers arrive as strings.
    NumbersAsStrings,
}

impl Drift {
    pub fn label(self) -> &'static str {
        match self {
            Drift::None => "none",
            Drift::StringsAsNumbers => "strings_as_numbers",
            Drift::NumbersAsStrings => "numbers_as_strings",
        }
    }
}

/// Everything that changes how rows of one install look.
#[derive(Debug, Clone, Copy)]
pub struct Flavor {
    pub profile: Profile,
    /// Row arrays are reused across loop iterations (2022.a leak).
    pub leaky: bool,
    pub drift: Drift,
}

impl Flavor {
    /// Seeded choice: ~12% 2022, 18% 2023, 32% 2024, 38% 2026; all 2022 and
    /// half of 2023 installs leak (≈21%); ~4% each type drift.
    pub fn random(rng: &mut SimRng) -> Flavor {
        let profile = match rng.gen_range(0..100) {
            0..12 => Profile::V2022,
            12..30 => Profile::V2023,
            30..62 => Profile::V2024,
            _ => Profile::V2026,
        };
        let leaky = match profile {
            Profile::V2022 => true,
            Profile::V2023 => rng.gen_bool(0.5),
            _ => false,
        };
        let drift = match rng.gen_range(0..100) {
            0..4 => Drift::StringsAsNumbers,
            4..8 => Drift::NumbersAsStrings,
            _ => Drift::None,
        };
        Flavor {
            profile,
            leaky,
            drift,
        }
    }

    /// A NUMERIC/DECIMAL column: normally a JSON string of digits.
    pub fn scode(&self, s: &str) -> Value {
        if self.drift == Drift::StringsAsNumbers
            && let Ok(n) = s.parse::<i64>()
        {
            return Value::from(n);
        }
        Value::from(s)
    }

    /// An INTEGER column: normally a JSON number.
    pub fn ncode(&self, n: i64) -> Value {
        if self.drift == Drift::NumbersAsStrings {
            Value::from(n.to_string())
        } else {
            Value::from(n)
        }
    }
}
