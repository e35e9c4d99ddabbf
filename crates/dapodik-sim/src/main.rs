fn main() -> anyhow::Result<()> {
    dapodik_sim_cli::run()
}

#[path = "cli.rs"]
mod dapodik_sim_cli;
