//! The deadline day's size and the seeded plan of who suffers which fault.
//!
//! Environment (all optional):
//!
//! | variable | small (CI) | full (`DEADLINE_DAY_FULL=1`) |
//! |---|---|---|
//! | `DEADLINE_DAY_SCHOOLS` | 100 | generator default (~1,200) |
//! | `DEADLINE_DAY_CONCURRENCY` | 50 | 200 |
//! | `DEADLINE_DAY_SERVER_KILLS` | 2 | 6 |
//! | `DEADLINE_DAY_SEED` | 20250731 | 20250731 |

use std::collections::BTreeMap;

use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

/// How big the day is.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub full: bool,
    /// Schools generated (`None`: the generator's default kabupaten).
    pub schools: Option<usize>,
    /// Helper processes running at once.
    pub concurrency: usize,
    pub server_kills: usize,
    /// Share of schools whose first helper process is SIGKILLed mid-send.
    pub helper_kill_share: f64,
    /// Schools per deliberate Dapodik-side failure reason.
    pub broken_per_reason: usize,
    pub seed: u64,
}

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

impl Scale {
    pub fn small() -> Scale {
        Scale {
            full: false,
            schools: Some(100),
            concurrency: 50,
            server_kills: 2,
            helper_kill_share: 0.08,
            broken_per_reason: 1,
            seed: 20_250_731,
        }
    }

    pub fn full() -> Scale {
        Scale {
            full: true,
            schools: None,
            concurrency: 200,
            server_kills: 6,
            helper_kill_share: 0.06,
            broken_per_reason: 3,
            seed: 20_250_731,
        }
    }

    /// `DEADLINE_DAY_FULL=1` picks the full run; the other variables override.
    pub fn from_env() -> Scale {
        let full = std::env::var("DEADLINE_DAY_FULL").is_ok_and(|v| v == "1" || v == "true");
        let mut s = if full { Scale::full() } else { Scale::small() };
        if let Some(n) = env_num("DEADLINE_DAY_SCHOOLS") {
            s.schools = Some(n);
        }
        if let Some(n) = env_num("DEADLINE_DAY_CONCURRENCY") {
            s.concurrency = n;
        }
        if let Some(n) = env_num("DEADLINE_DAY_SERVER_KILLS") {
            s.server_kills = n;
        }
        if let Some(n) = env_num("DEADLINE_DAY_SEED") {
            s.seed = n;
        }
        s.concurrency = s.concurrency.max(1);
        s
    }
}

/// Which simulated Dapodik a school's PC talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DapodikSide {
    /// Answers at once.
    Clean,
    /// Answers every request after a delay.
    Slow,
    /// Answers a share of requests with a PHP fatal-error page (HTTP 500).
    Flaky,
}

/// A school that cannot finish today, and why (its operator must be told).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Broken {
    /// The Web Service token was registered for another PC's IP address.
    IpMismatch,
    /// Dapodik has no active semester.
    NoSemester,
    /// The operator typed a username that is not a Dapodik user of the school.
    WrongUsername,
}

impl Broken {
    pub const ALL: [Broken; 3] = [
        Broken::IpMismatch,
        Broken::NoSemester,
        Broken::WrongUsername,
    ];

    /// The helper's failure code the operator must get.
    pub fn expected_code(self) -> &'static str {
        match self {
            Broken::IpMismatch => "dapodik_ip_not_registered",
            Broken::NoSemester => "dapodik_no_semester",
            Broken::WrongUsername => "username_not_found",
        }
    }
}

/// One school's part in the day.
#[derive(Debug, Clone)]
pub struct SchoolPlan {
    pub npsn: String,
    pub token: String,
    pub username: String,
    pub kode: String,
    pub side: DapodikSide,
    pub broken: Option<Broken>,
    /// SIGKILL the first helper process this long after it starts uploading.
    pub kill_after_ms: Option<u64>,
}

/// Credentials and kode registrasi by NPSN → plans, seeded.
pub fn plan(
    scale: &Scale,
    creds: &[dapodik_sim::data_dir::Credential],
    kode: &BTreeMap<String, String>,
) -> anyhow::Result<Vec<SchoolPlan>> {
    let mut rng = ChaCha8Rng::seed_from_u64(scale.seed);
    let mut plans = Vec::with_capacity(creds.len());
    for c in creds {
        let kode = kode
            .get(&c.npsn)
            .ok_or_else(|| anyhow::anyhow!("no kode registrasi for {}", c.npsn))?;
        let x: f64 = rng.r#gen();
        let side = if x < 0.15 {
            DapodikSide::Slow
        } else if x < 0.30 {
            DapodikSide::Flaky
        } else {
            DapodikSide::Clean
        };
        let kill_after_ms = rng
            .gen_bool(scale.helper_kill_share)
            .then(|| rng.gen_range(0..1_200));
        plans.push(SchoolPlan {
            npsn: c.npsn.clone(),
            token: c.token.clone(),
            username: c.username.clone(),
            kode: kode.clone(),
            side,
            broken: None,
            kill_after_ms,
        });
    }
    // The broken schools: distinct, on the clean simulator, never killed on purpose.
    let mut idx: Vec<usize> = (0..plans.len()).collect();
    idx.shuffle(&mut rng);
    let mut it = idx.into_iter();
    for reason in Broken::ALL {
        for _ in 0..scale.broken_per_reason {
            if let Some(i) = it.next() {
                let p = &mut plans[i];
                p.broken = Some(reason);
                p.side = DapodikSide::Clean;
                p.kill_after_ms = None;
                if reason == Broken::WrongUsername {
                    p.username = format!("bukan.operator.{}@example.com", p.npsn);
                }
            }
        }
    }
    // Make sure the small run still kills a few helpers.
    let killed = plans.iter().filter(|p| p.kill_after_ms.is_some()).count();
    if killed < 2 {
        for p in plans
            .iter_mut()
            .filter(|p| p.broken.is_none())
            .take(2 - killed)
        {
            p.kill_after_ms = Some(300);
        }
    }
    Ok(plans)
}

/// The Dapodik faults for the broken schools (on the clean simulator).
pub fn clean_sim_faults(plans: &[SchoolPlan]) -> dapodik_sim::Faults {
    let mut f = dapodik_sim::Faults::default();
    let no_semester: std::collections::BTreeSet<String> = plans
        .iter()
        .filter(|p| p.broken == Some(Broken::NoSemester))
        .map(|p| p.npsn.clone())
        .collect();
    if !no_semester.is_empty() {
        f.semester_inactive = true;
        f.only_npsn = Some(no_semester);
    }
    for p in plans
        .iter()
        .filter(|p| p.broken == Some(Broken::IpMismatch))
    {
        f.ip_override.insert(p.npsn.clone(), "192.168.17.23".into());
    }
    f
}
