//! Where incidents live: `incidents/<env>/incident-NNNN.jsonl`, one
//! slipway-log per incident (append-only, checksummed, crash-safe), each
//! with a Markdown twin `incident-NNNN.md` rendered from it after every
//! entry (written whole through a temporary file). Whoever writes holds the
//! environment's incident lock.

use std::path::{Path, PathBuf};

use slipway_log::{Format, Log, LogError, Owner, OwnerLock};

use super::{Entry, Incident, markdown};

/// The lock file of an environment's incidents.
pub const LOCK_FILE: &str = ".incidents.lock";

/// Test hook: `torn:N` writes half of the process's Nth entry and aborts,
/// as a process killed mid-write would; `after:N` aborts right after the
/// Nth entry is durable.
pub const FAILPOINT_VAR: &str = "SLIPWAY_FAILPOINT_INCIDENT";

const FORMAT: Format = Format {
    what: "incident log",
    magic: Some("slipway incident log v1"),
    legacy_json: false,
};

/// Why the incident log failed.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    /// Another process writes the environment's incidents.
    #[error(
        "the incidents of `{env}` are being written by {}: wait for it to finish",
        .holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string)
    )]
    InUse {
        /// The environment.
        env: String,
        /// Who holds the lock.
        holder: Option<Owner>,
    },
    /// No such incident.
    #[error("there is no incident {id} in incidents/{env}/ (`slipway incident list --env {env}`)")]
    Unknown {
        /// Its number.
        id: u32,
        /// The environment.
        env: String,
    },
    /// It was closed: a closed incident is history.
    #[error(
        "incident {id} of `{env}` is closed; open a new one (`slipway incident open --env {env}`) and link it"
    )]
    Closed {
        /// Its number.
        id: u32,
        /// The environment.
        env: String,
    },
    /// Several are open and none was named.
    #[error("incidents {ids} of `{env}` are all open: say which with --incident N")]
    Ambiguous {
        /// The open ones.
        ids: String,
        /// The environment.
        env: String,
    },
    /// The log itself failed (damaged, unreadable, unwritable).
    #[error(transparent)]
    Log(#[from] LogError),
    /// The Markdown twin could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Twin {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// `incidents/<env>`.
pub fn incidents_dir(root: &Path, env: &str) -> PathBuf {
    slipway_config::state::incidents_dir(root, env)
}

/// An environment's incidents.
#[derive(Clone, Debug)]
pub struct Incidents {
    dir: PathBuf,
    env: String,
}

/// The environment's incident lock, held while writing.
#[derive(Debug)]
pub struct IncidentsLock {
    _lock: OwnerLock,
}

/// An incident open for appending.
#[derive(Debug)]
pub struct OpenIncident {
    incident: Incident,
    log: Log<Entry>,
    twin: PathBuf,
    failpoint: Option<Failpoint>,
    written: usize,
}

#[derive(Clone, Copy, Debug)]
enum Failpoint {
    Torn(usize),
    After(usize),
}

fn failpoint() -> Option<Failpoint> {
    let value = std::env::var(FAILPOINT_VAR).ok()?;
    let (kind, n) = value.split_once(':')?;
    let n = n.parse().ok()?;
    match kind {
        "torn" => Some(Failpoint::Torn(n)),
        "after" => Some(Failpoint::After(n)),
        _ => None,
    }
}

impl Incidents {
    /// The incidents of `env` under the project at `root`.
    pub fn new(root: &Path, env: &str) -> Self {
        Self {
            dir: incidents_dir(root, env),
            env: env.to_owned(),
        }
    }

    /// Their directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn log_path(&self, id: u32) -> PathBuf {
        self.dir.join(format!("incident-{id:04}.jsonl"))
    }

    /// The Markdown twin of incident `id`.
    pub fn twin_path(&self, id: u32) -> PathBuf {
        self.dir.join(format!("incident-{id:04}.md"))
    }

    /// Takes the lock for writing; `command` says who holds it.
    pub fn lock(&self, command: &str) -> Result<IncidentsLock, IncidentError> {
        let lock = OwnerLock::acquire(
            &self.dir.join(LOCK_FILE),
            &self.dir,
            &Owner::this_process(command),
        )
        .map_err(|e| match e {
            LogError::Held { holder, .. } => IncidentError::InUse {
                env: self.env.clone(),
                holder,
            },
            other => IncidentError::Log(other),
        })?;
        Ok(IncidentsLock { _lock: lock })
    }

    fn ids(&self) -> Result<Vec<u32>, IncidentError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(LogError::Io {
                    action: "cannot read",
                    path: self.dir.clone(),
                    source,
                }
                .into());
            }
        };
        let mut ids: Vec<u32> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_prefix("incident-")?
                    .strip_suffix(".jsonl")?
                    .parse()
                    .ok()
            })
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// Incident `id` as its log tells it (a torn last line is skipped,
    /// never served).
    pub fn read(&self, id: u32) -> Result<Incident, IncidentError> {
        let path = self.log_path(id);
        if !path.is_file() {
            return Err(IncidentError::Unknown {
                id,
                env: self.env.clone(),
            });
        }
        Ok(Incident {
            id,
            env: self.env.clone(),
            entries: Log::read(&path, &FORMAT)?,
        })
    }

    /// Every incident, oldest first.
    pub fn list(&self) -> Result<Vec<Incident>, IncidentError> {
        self.ids()?.into_iter().map(|id| self.read(id)).collect()
    }

    /// The open incident an action joins: `wanted`, or the only open one,
    /// or none.
    pub fn current(&self, wanted: Option<u32>) -> Result<Option<u32>, IncidentError> {
        if let Some(id) = wanted {
            let incident = self.read(id)?;
            if incident.closed_at().is_some() {
                return Err(IncidentError::Closed {
                    id,
                    env: self.env.clone(),
                });
            }
            return Ok(Some(id));
        }
        let open: Vec<u32> = self
            .list()?
            .into_iter()
            .filter(|i| i.closed_at().is_none())
            .map(|i| i.id)
            .collect();
        match open.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(IncidentError::Ambiguous {
                ids: many
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                env: self.env.clone(),
            }),
        }
    }

    /// Opens a new incident with `opened` as its first entry.
    pub fn create(
        &self,
        _lock: &IncidentsLock,
        opened: Entry,
    ) -> Result<OpenIncident, IncidentError> {
        let id = self.ids()?.last().map_or(1, |last| last + 1);
        let mut incident = self.append_to(id)?;
        incident.append(opened)?;
        Ok(incident)
    }

    /// Opens incident `id` for appending; a closed one is refused.
    pub fn resume(&self, _lock: &IncidentsLock, id: u32) -> Result<OpenIncident, IncidentError> {
        if !self.log_path(id).is_file() {
            return Err(IncidentError::Unknown {
                id,
                env: self.env.clone(),
            });
        }
        let incident = self.append_to(id)?;
        if incident.incident.closed_at().is_some() {
            return Err(IncidentError::Closed {
                id,
                env: self.env.clone(),
            });
        }
        Ok(incident)
    }

    fn append_to(&self, id: u32) -> Result<OpenIncident, IncidentError> {
        let opened = Log::open(&self.log_path(id), &FORMAT)?;
        Ok(OpenIncident {
            incident: Incident {
                id,
                env: self.env.clone(),
                entries: opened.records,
            },
            log: opened.log,
            twin: self.twin_path(id),
            failpoint: failpoint(),
            written: 0,
        })
    }
}

impl OpenIncident {
    /// Its number.
    pub fn id(&self) -> u32 {
        self.incident.id
    }

    /// It, as written so far.
    pub fn incident(&self) -> &Incident {
        &self.incident
    }

    /// The step number the next action takes.
    pub fn next_step(&self) -> u32 {
        self.incident.actions() + 1
    }

    /// Appends `entry`, durable before this returns, then renders the
    /// Markdown twin again.
    pub fn append(&mut self, entry: Entry) -> Result<(), IncidentError> {
        self.written += 1;
        if let Some(Failpoint::Torn(n)) = self.failpoint
            && n == self.written
        {
            torn_write(self.log.path(), &entry);
        }
        self.log.append_durable(&entry)?;
        self.incident.entries.push(entry);
        if let Some(Failpoint::After(n)) = self.failpoint
            && n == self.written
        {
            std::process::abort();
        }
        self.write_twin()
    }

    /// Writes the Markdown twin (whole, through a temporary file).
    pub fn write_twin(&self) -> Result<(), IncidentError> {
        let text = markdown::render(&self.incident);
        let temp = self.twin.with_extension("md.tmp");
        std::fs::write(&temp, text)
            .and_then(|()| std::fs::rename(&temp, &self.twin))
            .map_err(|source| IncidentError::Twin {
                path: self.twin.clone(),
                source,
            })
    }
}

/// The test hook's torn write: half of an entry's line, then death.
fn torn_write(path: &Path, entry: &Entry) {
    use std::io::Write;
    let json = serde_json::to_string(entry).unwrap_or_default();
    if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(path) {
        let half = &json.as_bytes()[..json.len() / 2];
        let _ = file.write_all(b"00000000 ");
        let _ = file.write_all(half);
        let _ = file.sync_all();
    }
    std::process::abort();
}
