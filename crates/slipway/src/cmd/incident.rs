//! `slipway incident`: the response process around emergency actions —
//! open an incident with a severity, add notes, link transactions and Safe
//! proposals, close it with a summary; list and show them
//! (`slipway_ops::incident`).

use std::process::ExitCode;

use alloy_primitives::B256;
use clap::{Args, Subcommand};
use eyre::Result;
use slipway_ops::{
    incident::{
        Author, Entry, Incidents, Linked, Severity, add_entry, close_incident, markdown,
        open_incident, proposal_states,
    },
    time::SystemClock,
};

use crate::global::GlobalOpts;
use crate::session::{command_line, connect, environment, operator, runtime};

/// `slipway incident …`.
#[derive(Debug, Args)]
pub(crate) struct IncidentArgs {
    #[command(subcommand)]
    command: IncidentCommand,
    /// The environment.
    #[arg(long, global = true, default_value = "development")]
    env: String,
    /// Who is writing, for the record (default: $USER).
    #[arg(long, global = true, value_name = "NAME")]
    by: Option<String>,
}

#[derive(Debug, Subcommand)]
enum IncidentCommand {
    /// Open an incident; prints its number.
    Open {
        /// How bad: low, medium, high or critical.
        #[arg(long)]
        severity: Severity,
        /// What it is about.
        #[arg(required = true)]
        title: Vec<String>,
    },
    /// Add a note to an open incident (default: the one open incident).
    Note {
        /// The incident.
        #[arg(long, value_name = "N")]
        incident: Option<u32>,
        /// The note.
        #[arg(required = true)]
        text: Vec<String>,
    },
    /// Link a transaction, a Safe proposal or a reference to an open
    /// incident.
    Link {
        /// The incident.
        #[arg(long, value_name = "N")]
        incident: Option<u32>,
        /// A transaction hash.
        #[arg(long, value_name = "HASH", group = "what")]
        tx: Option<B256>,
        /// A Safe proposal's safeTxHash.
        #[arg(long, value_name = "HASH", group = "what")]
        proposal: Option<B256>,
        /// Anything else: a URL, a ticket.
        #[arg(long, value_name = "TEXT", group = "what")]
        reference: Option<String>,
        /// Why it is linked.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Close an open incident with a summary.
    Close {
        /// The incident.
        #[arg(long, value_name = "N")]
        incident: Option<u32>,
        /// What happened and what was done.
        #[arg(long, value_name = "TEXT")]
        summary: String,
    },
    /// List the environment's incidents.
    List {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an incident: its timeline, actions with the state before and
    /// after, and where its Safe proposals stand.
    Show {
        /// The incident.
        id: u32,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
}

impl IncidentArgs {
    pub(crate) fn run(self, global: &GlobalOpts) -> Result<ExitCode> {
        let config = global.config()?;
        let env = environment(global.ui(), &config, &self.env)?;
        let incidents = Incidents::new(&config.root, &env.name);
        let author = Author {
            by: self.by.clone().unwrap_or_else(operator),
            clock: &SystemClock,
        };
        let command = command_line();
        let ui = global.ui();
        let open_one = |wanted: Option<u32>| -> Result<u32> {
            incidents.current(wanted)?.ok_or_else(|| {
                eyre::eyre!(
                    "no incident of `{}` is open: open one with `slipway incident open --env {} --severity high TITLE`",
                    env.name,
                    env.name
                )
            })
        };
        match self.command {
            IncidentCommand::Open { severity, title } => {
                let id = open_incident(&incidents, &command, &author, severity, &title.join(" "))?;
                println!("{id}");
                crate::output::status(
                    ui,
                    "Opened",
                    &format!(
                        "incident {id} ({})",
                        incidents
                            .twin_path(id)
                            .strip_prefix(&config.root)
                            .unwrap_or(&incidents.twin_path(id))
                            .display()
                    ),
                );
            }
            IncidentCommand::Note { incident, text } => {
                let id = open_one(incident)?;
                add_entry(
                    &incidents,
                    &command,
                    id,
                    Entry::Note {
                        at: author.clock.now(),
                        by: author.by.clone(),
                        text: text.join(" "),
                    },
                )?;
                crate::output::status(ui, "Noted", &format!("in incident {id}"));
            }
            IncidentCommand::Link {
                incident,
                tx,
                proposal,
                reference,
                note,
            } => {
                let linked = match (tx, proposal, reference) {
                    (Some(tx), _, _) => Linked::Transaction(tx),
                    (_, Some(hash), _) => Linked::Proposal(hash),
                    (_, _, Some(text)) => Linked::Reference(text),
                    _ => eyre::bail!(
                        "say what to link: --tx HASH, --proposal HASH or --reference TEXT"
                    ),
                };
                let id = open_one(incident)?;
                add_entry(
                    &incidents,
                    &command,
                    id,
                    Entry::Link {
                        at: author.clock.now(),
                        by: author.by.clone(),
                        linked,
                        note,
                    },
                )?;
                crate::output::status(ui, "Linked", &format!("to incident {id}"));
            }
            IncidentCommand::Close { incident, summary } => {
                let id = open_one(incident)?;
                close_incident(&incidents, &command, &author, id, &summary)?;
                crate::output::status(ui, "Closed", &format!("incident {id}"));
            }
            IncidentCommand::List { json } => {
                let all = incidents.list()?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&all)?);
                } else {
                    crate::render::ops::incident_list(&all);
                }
            }
            IncidentCommand::Show { id, json } => {
                let incident = incidents.read(id)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&incident)?);
                    return Ok(ExitCode::SUCCESS);
                }
                print!("{}", markdown::render(&incident));
                if !incident.proposals().is_empty() {
                    let states = runtime()?.block_on(async {
                        let client = connect(&config, &env).await?;
                        Ok::<_, eyre::Report>(
                            proposal_states(&config, &env, &client, &incident).await?,
                        )
                    })?;
                    crate::render::ops::proposal_states(&states);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
