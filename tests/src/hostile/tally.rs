//! What was tried against the server and what happened, per category.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Default)]
pub struct Category {
    pub tried: u64,
    /// Outcome label (`"413 payload_too_large"`) → count.
    pub outcomes: BTreeMap<String, u64>,
    /// Attempts whose outcome was not the expected one.
    pub unexpected: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub categories: BTreeMap<String, Category>,
}

impl Tally {
    /// Records one attempt; `ok` says whether the outcome is the expected one.
    pub fn record(&mut self, category: &str, outcome: &str, ok: bool, what: &str) {
        let c = self.categories.entry(category.to_owned()).or_default();
        c.tried += 1;
        *c.outcomes.entry(outcome.to_owned()).or_default() += 1;
        if !ok && c.unexpected.len() < 20 {
            c.unexpected.push(format!("{what}: {outcome}"));
        }
    }

    pub fn unexpected(&self) -> Vec<String> {
        self.categories
            .iter()
            .flat_map(|(name, c)| c.unexpected.iter().map(move |u| format!("[{name}] {u}")))
            .collect()
    }

    pub fn total(&self) -> u64 {
        self.categories.values().map(|c| c.tried).sum()
    }

    pub fn to_markdown(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### {title}\n");
        let _ = writeln!(
            s,
            "| category | tried | outcomes | unexpected |\n|---|---|---|---|"
        );
        for (name, c) in &self.categories {
            let outcomes: Vec<String> = c
                .outcomes
                .iter()
                .map(|(o, n)| format!("{o} ×{n}"))
                .collect();
            let _ = writeln!(
                s,
                "| {name} | {} | {} | {} |",
                c.tried,
                outcomes.join(", "),
                c.unexpected.len()
            );
        }
        let _ = writeln!(
            s,
            "| **total** | **{}** | | **{}** |",
            self.total(),
            self.unexpected().len()
        );
        s
    }
}
